// `minima compare --serve` end to end on the two-blob data set: the live
// page's events arrive while hostile requests come in, the server stays up
// until Ctrl-C, and the runs train exactly as without --serve.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include <minima/core/atomic_file.hpp>
#include "tests/cli_runner.hpp"
#include "tests/http_probe.hpp"
#include "tests/support.hpp"
#include "tests/temp_dir.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using minima::test::http_exchange;
using minima::test::http_get;
using minima::test::http_status;

namespace {

// The blobs, base.json (a sigmoid MLP with BN, 80 steps) and cmp.json
// (with and without BN, 2 seeds) in `tmp`.
void write_serve_compare(const test::TempDir& tmp) {
  test::write_blobs(tmp.path());
  nlohmann::json base = test::blob_config_json(tmp.path(), "unused");
  base["model"] = {
      {"type", "mlp"}, {"hidden", {8, 8}}, {"activation", "sigmoid"}, {"batchnorm", true}};
  base["train"]["steps"] = 80;
  write_file_atomically(tmp.path("base.json"), base.dump());
  write_file_atomically(tmp.path("cmp.json"), R"({"base": "base.json", "seeds": 2,
      "variants": {"without BN": {"model.batchnorm": false}, "with BN": {}}})");
}

// Connects to `port` until the server listens (or 60 s pass).
bool wait_for_server(int port) {
  for (int i = 0; i < 600; ++i) {
    if (test::Socket(port).connected()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("minima compare --serve: live events under hostile requests, same runs as without") {
  test::TempDir tmp("serve_cli");
  write_serve_compare(tmp);
  const test::CliResult plain =
      test::run_cli({"compare", tmp.path("cmp.json"), "--quiet", "--out", tmp.path("plain")});
  REQUIRE(plain.exit_code == 0);

  const int port = test::free_port();
  test::CliProcess served({"compare", tmp.path("cmp.json"), "--out", tmp.path("served"), "--serve",
                           "--port", std::to_string(port)});
  REQUIRE(wait_for_server(port));
  test::Socket watcher(port), idle(port);
  const std::string host = "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  REQUIRE(watcher.send("GET /events HTTP/1.1\r\n" + host + "\r\n"));
  REQUIRE(idle.send("GET /events HTTP/1.1\r\n" + host + "\r\n"));  // and never reads
  CHECK(http_status(http_exchange(port, "NOT HTTP\r\n\r\n")) != 200);
  CHECK(http_status(http_exchange(port, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n")) == 421);
  CHECK(http_status(http_get(port, "/", "X-Big: " + std::string(100000, 'a') + "\r\n")) != 200);
  CHECK(http_status(http_exchange(port, "POST /whatif HTTP/1.1\r\n" + host +
                                            "Content-Length: 2\r\n\r\n{}")) == 403);
  const std::string events = watcher.read("\"type\":\"done\"", 60000);
  CHECK(events.find("\"type\":\"setup\"") != std::string::npos);
  CHECK(events.find("\"type\":\"eval\",\"variant\":1") != std::string::npos);
  CHECK(events.find("\"step\":80") != std::string::npos);
  CHECK(events.find("\"type\":\"done\"") != std::string::npos);
  // After the runs: the report as written, until Ctrl-C.
  const std::string report = http_get(port, "/report.html");
  CHECK(http_status(report) == 200);
  CHECK(report.find("</html>") != std::string::npos);
  CHECK(http_status(http_get(port, "/summary.json")) == 200);
  served.kill(SIGINT);
  const test::CliResult result = served.wait();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("live page: http://127.0.0.1:" + std::to_string(port) + "/") !=
        std::string::npos);
  for (const char* run : {"with-bn/seed-7", "with-bn/seed-8", "without-bn/seed-7"}) {
    const std::string a = tmp.path("plain/") + run, b = tmp.path("served/") + run;
    CHECK(test::metrics_without_seconds(a + "/metrics.csv") ==
          test::metrics_without_seconds(b + "/metrics.csv"));
    CHECK(read_file(a + "/model.safetensors") == read_file(b + "/model.safetensors"));
  }
}

TEST_CASE("minima compare --serve: a port in use is one clear error, --port needs --serve") {
  test::TempDir tmp("serve_cli_errors");
  write_serve_compare(tmp);
  const test::CliResult orphan =
      test::run_cli({"compare", tmp.path("cmp.json"), "--port", "8123", "--out", tmp.path("o")});
  CHECK(orphan.exit_code == 2);
  CHECK(orphan.err.find("--serve") != std::string::npos);
  const int port = test::free_port();
  test::CliProcess holder({"compare", tmp.path("cmp.json"), "--out", tmp.path("b"), "--serve",
                           "--port", std::to_string(port)});
  REQUIRE(wait_for_server(port));
  const test::CliResult second = test::run_cli(
      {"compare", tmp.path("cmp.json"), "--out", tmp.path("c"), "--serve", "--port",
       std::to_string(port)});
  CHECK(second.exit_code != 0);
  CHECK(test::line_count(second.err) == 1);
  CHECK(second.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)) != std::string::npos);
  holder.kill(SIGINT);
}

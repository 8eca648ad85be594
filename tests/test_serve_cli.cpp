// `minima compare --serve` end to end on the two-blob data set: the live
// page's events arrive while hostile requests come in, the server stays up
// until Ctrl-C, and the runs train exactly as without --serve.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
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

// Starts minima with `args` (ending in --serve --port 0), its standard
// output going to `log`.
test::CliOptions to_log(const std::string& log) {
  test::CliOptions options;
  options.launcher = {"/bin/sh", "-c", "exec \"$0\" \"$@\" >'" + log + "'"};
  return options;
}

// The port that the "live page: http://127.0.0.1:P/" line in `log` names,
// once it is there (0 after 60 s without).
int served_port(const std::string& log) {
  const std::string line = "live page: http://127.0.0.1:";
  for (int i = 0; i < 600; ++i) {
    const std::string text = std::filesystem::exists(log) ? read_file(log) : "";
    const size_t at = text.find(line);
    if (at != std::string::npos && text.find('/', at + line.size()) != std::string::npos)
      return std::atoi(text.c_str() + at + line.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}

}  // namespace

TEST_CASE("minima compare --serve: live events under hostile requests, same runs as without") {
  test::TempDir tmp("serve_cli");
  write_serve_compare(tmp);
  const test::CliResult plain =
      test::run_cli({"compare", tmp.path("cmp.json"), "--quiet", "--out", tmp.path("plain")});
  REQUIRE(plain.exit_code == 0);

  test::CliProcess served(
      {"compare", tmp.path("cmp.json"), "--out", tmp.path("served"), "--serve", "--port", "0"},
      to_log(tmp.path("served.txt")));
  const int port = served_port(tmp.path("served.txt"));
  REQUIRE(port > 0);
  test::Socket watcher(port), idle(port);
  const std::string host = "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  REQUIRE(watcher.send("GET /events HTTP/1.1\r\n" + host + "\r\n"));
  REQUIRE(idle.send("GET /events HTTP/1.1\r\n" + host + "\r\n"));  // and never reads
  CHECK(http_status(http_exchange(port, "NOT HTTP\r\n\r\n")) != 200);
  CHECK(http_status(http_exchange(port, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n")) == 421);
  CHECK(http_status(http_get(port, "/", "X-Big: " + std::string(100000, 'a') + "\r\n")) != 200);
  CHECK(http_status(http_exchange(
            port, "POST /whatif HTTP/1.1\r\n" + host + "Content-Length: 2\r\n\r\n{}")) == 403);
  const std::string events = watcher.read("\"type\":\"done\"", 60000);
  CHECK(events.find("\"type\":\"setup\"") != std::string::npos);
  CHECK(events.find("\"type\":\"eval\",\"variant\":1") != std::string::npos);
  CHECK(events.find("\"step\":80") != std::string::npos);
  CHECK(events.find("\"type\":\"done\"") != std::string::npos);
  // After each run, the report so far: every chart grows run by run.
  CHECK(events.find("{\"report\":\"/report.html\",\"runs\":1,\"type\":\"report\"}") <
        events.find("\"type\":\"done\""));
  // After the runs: the report as written, until Ctrl-C.
  const std::string report = http_get(port, "/report.html");
  CHECK(http_status(report) == 200);
  CHECK(report.find("</html>") != std::string::npos);
  CHECK(http_status(http_get(port, "/summary.json")) == 200);
  // What if? From the page, with its token: a refused setting names itself;
  // a valid one trains and joins summary.json.
  const std::string page = http_get(port, "/");
  const size_t at = page.find("minima-token\" content=\"");
  REQUIRE(at != std::string::npos);
  const std::string token = page.substr(at + 23, 32);
  const auto whatif = [&](const std::string& body) {
    return http_exchange(port, "POST /whatif HTTP/1.1\r\n" + host + "Origin: http://127.0.0.1:" +
                                   std::to_string(port) + "\r\nX-Minima-Token: " + token +
                                   "\r\nConnection: close\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  const std::string refused = whatif(R"({"optimizer.lr": -1})");
  CHECK(http_status(refused) == 400);
  CHECK(refused.find("/optimizer/lr") != std::string::npos);
  CHECK(http_status(whatif(R"({"data.dir": "/etc"})")) == 400);
  CHECK(http_status(whatif(R"({"optimizer.lr": 0.25, "seeds": [7]})")) == 202);
  CHECK(watcher.read("\"state\":\"done\"", 60000).find("\"state\":\"done\"") != std::string::npos);
  const json summary = json::parse(read_file(tmp.path("served/summary.json")));
  CHECK(summary.dump().find("what if #1: optimizer.lr=0.25") != std::string::npos);
  CHECK(std::filesystem::exists(tmp.path("served/what-if-1-optimizer-lr-0-25/seed-7/metrics.csv")));
  served.kill(SIGINT);
  const test::CliResult result = served.wait();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK(read_file(tmp.path("served.txt")).find("still serving") != std::string::npos);
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
  test::CliProcess holder(
      {"compare", tmp.path("cmp.json"), "--out", tmp.path("b"), "--serve", "--port", "0"},
      to_log(tmp.path("b.txt")));
  const int port = served_port(tmp.path("b.txt"));
  REQUIRE(port > 0);
  const test::CliResult second =
      test::run_cli({"compare", tmp.path("cmp.json"), "--out", tmp.path("c"), "--serve", "--port",
                     std::to_string(port)});
  CHECK(second.exit_code != 0);
  CHECK(test::line_count(second.err) == 1);
  CHECK(second.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)) != std::string::npos);
  holder.kill(SIGINT);
}

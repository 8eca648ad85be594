// The live server of `minima compare --serve` (cli/serve/): its event log,
// its request checks, and the server itself under hostile HTTP over real
// loopback sockets: it answers or drops each request and stays up.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <minima/core/atomic_file.hpp>
#include "cli/interrupt.hpp"
#include "cli/serve/event_log.hpp"
#include "cli/serve/live_compare.hpp"
#include "cli/serve/live_page.hpp"
#include "cli/serve/live_server.hpp"
#include "cli/serve/request_check.hpp"
#include "cli/serve/whatif.hpp"
#include "tests/http_probe.hpp"
#include "tests/temp_dir.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using namespace minima::cli;
using minima::test::http_exchange;
using minima::test::http_get;
using minima::test::http_status;

namespace {

// A server on a free port whose POST /echo answers {"echo": body}.
std::unique_ptr<LiveServer> echo_server() {
  Routes routes;
  routes.page = [](const Listening& l) { return live_page_html(l, false); };
  routes.posts["/echo"] = [](const std::string& body) { return Reply{200, {{"echo", body}}}; };
  return std::make_unique<LiveServer>(ServeSettings{"127.0.0.1", 0}, std::move(routes));
}

// A POST of `body` to `path` with the given Origin and token headers ("" = none).
std::string post(int port, const std::string& path, const std::string& body,
                 const std::string& origin, const std::string& token) {
  std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n";
  if (!origin.empty()) request += "Origin: " + origin + "\r\n";
  if (!token.empty()) request += "X-Minima-Token: " + token + "\r\n";
  return http_exchange(port, request + "\r\n" + body);
}

// Sends the request line of GET /events (Host: this server) on `socket`.
bool watch_events(test::Socket& socket, int port, const std::string& extra = "") {
  return socket.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n" +
                     extra + "\r\n");
}

}  // namespace

TEST_CASE("event log: watchers read from their own offset, park when caught up, wake on append") {
  EventLog log;
  CHECK(log.append({{"type", "setup"}}));
  char buffer[256];
  int parked = 0, woken = 0;
  const long n = log.read(
      0, buffer, sizeof buffer, [&] { ++parked; }, [&] { ++woken; });
  REQUIRE(n > 0);
  CHECK(std::string(buffer, size_t(n)) == "id: 0\ndata: {\"type\":\"setup\"}\n\n");
  CHECK(log.read(
            size_t(n), buffer, sizeof buffer, [&] { ++parked; }, [&] { ++woken; }) == 0);
  CHECK(parked == 1);
  CHECK(woken == 0);
  CHECK(log.append({{"type", "eval"}}));
  CHECK(woken == 1);
  CHECK(log.offset_after(0) == size_t(n));
  CHECK(log.offset_after(7) == 0);  // an id it never held: from the start
  // A short buffer gets the next bytes; the rest follows on the next read.
  CHECK(log.read(
            size_t(n), buffer, 4, [] {}, [] {}) == 4);
  log.close();
  CHECK_FALSE(log.append({{"type", "late"}}));
  CHECK(log.read(
            log.offset_after(1), buffer, sizeof buffer, [] {}, [] {}) == -1);
}

TEST_CASE("event log: bounded, it drops the events past its size and counts them") {
  EventLog log(100);
  CHECK(log.append({{"x", std::string(40, 'a')}}));
  CHECK_FALSE(log.append({{"x", std::string(60, 'b')}}));
  CHECK(log.events() == 1);
  CHECK(log.dropped() == 1);
}

TEST_CASE("request checks: Host must name this server, a POST needs its Origin and token") {
  const Listening l{"127.0.0.1", 8000, "secret"};
  CHECK(check_request({"GET", "127.0.0.1:8000", "", ""}, l).status == 0);
  CHECK(check_request({"GET", "localhost:8000", "", ""}, l).status == 0);
  CHECK(check_request({"GET", "", "", ""}, l).status == 400);
  CHECK(check_request({"GET", "evil.example:8000", "", ""}, l).status == 421);
  CHECK(check_request({"GET", "127.0.0.1:9000", "", ""}, l).status == 421);
  CHECK(check_request({"POST", "127.0.0.1:8000", "http://127.0.0.1:8000", "secret"}, l).status ==
        0);
  CHECK(check_request({"POST", "127.0.0.1:8000", "http://evil.example", "secret"}, l).status ==
        403);
  CHECK(check_request({"POST", "127.0.0.1:8000", "", "secret"}, l).status == 403);
  CHECK(check_request({"POST", "127.0.0.1:8000", "http://127.0.0.1:8000", ""}, l).status == 403);
  CHECK(check_request({"POST", "127.0.0.1:8000", "http://127.0.0.1:8000", "guess"}, l).status ==
        403);
  // An explicit --host adds its name.
  CHECK(check_request({"GET", "10.0.0.5:8000", "", ""}, {"10.0.0.5", 8000, "t"}).status == 0);
  CHECK(new_token().size() == 32);
  CHECK(new_token() != new_token());
}

TEST_CASE("live server: the page carries its token, files it does not have are 404") {
  const auto server = echo_server();
  const int port = server->listening().port;
  CHECK(server->url() == "http://127.0.0.1:" + std::to_string(port) + "/");
  const std::string page = http_get(port, "/");
  CHECK(http_status(page) == 200);
  CHECK(page.find(server->listening().token) != std::string::npos);
  CHECK(http_status(http_get(port, "/report.html")) == 404);
  CHECK(http_status(http_get(port, "/../../etc/passwd")) == 404);
  CHECK(http_status(post(port, "/echo", "lr=0.5", "http://127.0.0.1:" + std::to_string(port),
                         server->listening().token)) == 200);
}

TEST_CASE("live server: hostile requests are answered or dropped and it stays up") {
  const auto server = echo_server();
  const int port = server->listening().port;
  const std::string self = "http://127.0.0.1:" + std::to_string(port);
  const std::string token = server->listening().token;
  // Malformed request lines: a 400 or a closed connection, never a 2xx.
  for (const std::string& line :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET\r\n\r\n"),
        std::string("GET / HTTP/9.9\r\n\r\n"), std::string("\x01\x02\x03 / HTTP/1.1\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")}) {
    const int status = http_status(http_exchange(port, line));
    INFO(line);
    CHECK((status == 0 || status >= 400));
  }
  // Headers over the connection's memory, and many of them.
  const int big = http_status(http_get(port, "/", "X-Big: " + std::string(100000, 'a') + "\r\n"));
  CHECK((big == 0 || big == 431 || big == 413 || big == 414 || big == 400));
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  const int crowded = http_status(http_get(port, "/", many));
  CHECK((crowded == 0 || crowded >= 400));
  // A long URL.
  const int url = http_status(http_get(port, "/" + std::string(100000, 'u')));
  CHECK((url == 0 || url >= 400));
  // Foreign or missing Host (DNS rebinding).
  CHECK(http_status(http_exchange(port, "GET / HTTP/1.1\r\nHost: evil.example:" +
                                            std::to_string(port) + "\r\n\r\n")) == 421);
  CHECK(http_status(http_exchange(port, "GET / HTTP/1.0\r\n\r\n")) == 400);
  // Work without token or from another Origin; bodies over the bound; other methods.
  CHECK(http_status(post(port, "/echo", "lr=1", self, "")) == 403);
  CHECK(http_status(post(port, "/echo", "lr=1", "http://evil.example", token)) == 403);
  CHECK(http_status(post(port, "/echo", std::string(LiveServer::kMaxBody + 1, 'x'), self, token)) ==
        413);
  CHECK(http_status(post(port, "/nothing", "", self, token)) == 404);
  CHECK(http_status(http_exchange(port, "DELETE / HTTP/1.1\r\nHost: 127.0.0.1:" +
                                            std::to_string(port) + "\r\n\r\n")) == 405);
  // A chunked body that outgrows the bound without announcing its length.
  std::string chunked = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nOrigin: " + self + "\r\nX-Minima-Token: " + token +
                        "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  for (int i = 0; i < 5; ++i) chunked += "1000\r\n" + std::string(4096, 'c') + "\r\n";
  CHECK(http_status(http_exchange(port, chunked + "0\r\n\r\n")) == 413);
  // Still up.
  CHECK(http_status(http_get(port, "/")) == 200);
}

TEST_CASE("live server: 200 watchers at once get every event") {
  const auto server = echo_server();
  const int port = server->listening().port;
  server->events().append({{"type", "setup"}});
  std::vector<std::unique_ptr<test::Socket>> watchers;
  for (int i = 0; i < 200; ++i) {
    watchers.push_back(std::make_unique<test::Socket>(port));
    REQUIRE(watchers.back()->connected());
    REQUIRE(watch_events(*watchers.back(), port));
  }
  for (auto& w : watchers)
    CHECK(w->read("\"setup\"").find("text/event-stream") != std::string::npos);
  for (int i = 0; i < 50; ++i) server->events().append({{"type", "eval"}, {"step", i}});
  server->events().append({{"type", "done"}});
  int got_all = 0;
  for (auto& w : watchers) got_all += w->read("\"done\"").find("\"step\":49") != std::string::npos;
  CHECK(got_all == 200);
  CHECK(http_status(http_get(port, "/")) == 200);
  // A browser that reconnects after event 40 gets only what follows.
  test::Socket again(port);
  watch_events(again, port, "Last-Event-ID: 40\r\n");
  const std::string rest = again.read("\"done\"");
  CHECK(rest.find("id: 41\n") != std::string::npos);
  CHECK(rest.find("id: 40\n") == std::string::npos);
}

TEST_CASE("live server: a client that reads nothing or sends half a request stalls no one") {
  const auto server = echo_server();
  const int port = server->listening().port;
  test::Socket idle(port), half(port), reader(port);
  REQUIRE(watch_events(idle, port));
  REQUIRE(half.send("GET /events HTTP/1.1\r\nHo"));
  REQUIRE(watch_events(reader, port));
  // Far more than the socket buffers hold, while `idle` reads none of it:
  // appending never waits on a watcher.
  const std::string filler(1000, 'f');
  for (int i = 0; i < 5000; ++i)
    CHECK(server->events().append({{"type", "eval"}, {"pad", filler}}));
  CHECK(server->events().append({{"type", "done"}}));
  CHECK(reader.read("\"done\"", 20000).find("\"done\"") != std::string::npos);
  CHECK(http_status(http_get(port, "/")) == 200);
}

TEST_CASE("what if: only the documented settings, each of its kind, become a variant") {
  const WhatIf w =
      read_whatif(R"({"optimizer.lr": 0.5, "model.batchnorm": false, "seeds": [3]})", 4);
  CHECK(w.name == "what if #4: optimizer.lr=0.5, model.batchnorm=false");
  CHECK(w.changes.dump() == R"({"optimizer.lr":0.5,"model.batchnorm":false})");
  CHECK(w.seeds == nlohmann::json::array({3}));
  CHECK_THROWS_WITH(read_whatif(R"({"data.dir": "/etc"})", 1),
                    doctest::Contains("'data.dir' is not a setting the page may change"));
  CHECK_THROWS_WITH(read_whatif(R"({"model.batchnorm": "yes"})", 1),
                    doctest::Contains("is not a true/false"));
  CHECK_THROWS_WITH(read_whatif(R"({"train.batch_size": 2.5})", 1),
                    doctest::Contains("is not a number"));
  CHECK_THROWS_WITH(read_whatif(R"({"seeds": [1,2,3,4,5,6,7,8,9,10,11]})", 1),
                    doctest::Contains("1 to 10 seeds"));
  CHECK_THROWS_WITH(read_whatif("{}", 1), doctest::Contains("change at least one setting"));
  CHECK_THROWS_WITH(read_whatif("[1", 1), doctest::Contains("a JSON object"));
  // The compare's own document with the what-if as its only variant.
  const nlohmann::ordered_json doc = whatif_document(
      nlohmann::ordered_json::parse(R"({"base": "b.json", "seeds": 3, "baseline": "with BN",
          "sweep": {"key": "optimizer.lr", "values": [1]}, "variants": {"with BN": {}}})"),
      w);
  CHECK(doc.dump() == R"({"base":"b.json","seeds":[3],"variants":{"what if #4: optimizer.lr=0.5, )"
                      R"(model.batchnorm=false":{"optimizer.lr":0.5,"model.batchnorm":false}}})");
  // A compare of whole configs: the what-if starts from the first.
  const nlohmann::ordered_json configs =
      whatif_document(nlohmann::ordered_json::parse(R"({"configs": ["a.json", "b.json"]})"), w);
  CHECK(configs.dump().rfind(R"({"base":"a.json","variants":{"what if #4)", 0) == 0);
}

TEST_CASE("what if: the queue holds 8, takes 10 a minute, and a waiting one can be cancelled") {
  WhatIfQueue queue;
  for (int id = 1; id <= 8; ++id)
    CHECK(queue.push(read_whatif(R"({"optimizer.lr": 1})", id)).empty());
  CHECK(queue.push(read_whatif(R"({"optimizer.lr": 1})", 9)).find("waiting") != std::string::npos);
  CHECK(queue.cancel(2));
  CHECK_FALSE(queue.cancel(2));
  CHECK(queue.next(std::chrono::milliseconds(0))->id == 1);
  CHECK(queue.push(read_whatif(R"({"optimizer.lr": 1})", 10)).empty());
  CHECK(queue.push(read_whatif(R"({"optimizer.lr": 1})", 11)).empty());
  CHECK(queue.push(read_whatif(R"({"optimizer.lr": 1})", 12)).find("a minute") !=
        std::string::npos);
  CHECK(queue.next(std::chrono::milliseconds(0))->id == 3);
}

TEST_CASE("live compare: a what-if is cancelled while waiting and while it trains") {
  test::TempDir tmp("serve_cancel");
  test::write_blobs(tmp.path());
  write_file_atomically(tmp.path("base.json"), test::blob_config_json(tmp.path(), "unused").dump());
  write_file_atomically(tmp.path("cmp.json"), R"({"base": "base.json", "variants": {"a": {}}})");
  LiveCompare live({true, "", 0}, tmp.path("cmp.json"), {}, "t", {"a"}, 1, tmp.path("out"));
  const std::string url = live.url();
  const int port = std::atoi(url.c_str() + url.rfind(':') + 1);
  const std::string self = "http://127.0.0.1:" + std::to_string(port);
  const std::string page = http_get(port, "/");
  const std::string token = page.substr(page.find("minima-token\" content=\"") + 23, 32);
  // Trains nothing: runs until told to stop.
  std::atomic<int> started{0};
  std::thread serving([&] {
    live.serve_until_interrupted(false, [&](CompareConfig, std::atomic<bool>& stop) {
      ++started;
      while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    });
  });
  CHECK(http_status(post(port, "/whatif", R"({"optimizer.lr": 0.5})", self, token)) == 202);
  CHECK(http_status(post(port, "/whatif", R"({"optimizer.lr": 0.25})", self, token)) == 202);
  while (started.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(http_status(post(port, "/cancel", R"({"id": 2})", self, token)) == 200);  // waiting
  CHECK(http_status(post(port, "/cancel", R"({"id": 1})", self, token)) == 202);  // training
  CHECK(http_status(post(port, "/cancel", R"({"id": 7})", self, token)) == 409);
  CHECK(http_status(post(port, "/cancel", "[]", self, token)) == 400);
  test::Socket events(port);
  events.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n");
  const std::string log = events.read(R"("seeds":null,"state":"cancelled")", 20000);
  CHECK(log.find(
            R"("id":1,"name":"what if #1: optimizer.lr=0.5","seeds":null,"state":"cancelled")") !=
        std::string::npos);
  CHECK(log.find(R"("id":2,"state":"cancelled")") != std::string::npos);
  cli::interrupt_requested() = true;  // Ctrl-C ends the serving
  serving.join();
  cli::interrupt_requested() = false;
  CHECK(started.load() == 1);
}

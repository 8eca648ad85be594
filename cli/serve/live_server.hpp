#pragma once
// The HTTP server behind `minima compare --serve`, on GNU libmicrohttpd
// (Debian: libmicrohttpd-dev). Why it: one internal epoll thread serves
// every connection, and an event stream with nothing new is *suspended*
// (MHD_suspend_connection) until the next event resumes it, so 200 watching
// browsers cost 200 sockets and no threads; cpp-httplib 0.11 (Debian's)
// gives each connection a pool thread, 8 by default, which caps the watchers
// at 8. Training never waits on the server: it appends to the EventLog.
//
// Routes: GET / (the page), GET /events (Server-Sent Events from the log;
// Last-Event-ID resumes), GET of each fixed file name (report.html,
// summary.json: read from disk when asked, 404 until written) and POST of
// each handler's path. Everything is refused before its route when the Host
// is foreign, and a POST also without this page's Origin and token
// (request_check.hpp). Bounded: connections, a request's line and headers
// (kConnectionMemory), its body (kMaxBody), idle time (kIdleSeconds).
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/serve/event_log.hpp"
#include "cli/serve/request_check.hpp"

namespace minima::cli {

struct ServeSettings {
  std::string host = "127.0.0.1";  // the address to listen on (--host)
  int port = 8000;                 // 0: any free port
};

struct Reply {
  int status = 200;
  nlohmann::json body;  // sent as JSON
};

struct Routes {
  std::function<std::string(const Listening&)> page;  // GET /: the live page's HTML
  std::map<std::string, std::string> files;           // "/report.html" -> its path on disk
  // "/whatif" -> its handler of the POST's body (at most kMaxBody bytes)
  std::map<std::string, std::function<Reply(const std::string& body)>> posts;
};

class LiveServer {
 public:
  static constexpr unsigned kMaxConnections = 300;    // 200 watchers and room for more
  static constexpr size_t kConnectionMemory = 32768;  // request line + headers, per connection
  static constexpr size_t kMaxBody = 8192;
  static constexpr unsigned kIdleSeconds = 30;  // a silent connection is closed

  // Listens at once; throws std::runtime_error when it cannot.
  LiveServer(const ServeSettings& settings, Routes routes);
  ~LiveServer();  // closes the event streams and stops
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  EventLog& events();
  const Listening& listening() const;
  std::string url() const;  // "http://127.0.0.1:8000/"

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace minima::cli

#include "cli/serve/live_server.hpp"

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace minima::cli {

struct LiveServer::State {
  Routes routes;
  Listening listening;
  EventLog events;
  MHD_Daemon* daemon = nullptr;
};

namespace {

// One request's body as it arrives, and whether it outgrew kMaxBody.
struct ServeUpload {
  std::string body;
  bool too_large = false;
};

// One event-stream watcher: where it is in the log.
struct ServeWatcher {
  EventLog* events;
  MHD_Connection* connection;
  size_t offset;
};

std::string serve_header(MHD_Connection* c, const char* name) {
  const char* value = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  return value ? value : "";
}

MHD_Result serve_send(MHD_Connection* c, unsigned status, const std::string& body,
                      const char* type) {
  MHD_Response* response = MHD_create_response_from_buffer(
      body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(response, "Content-Type", type);
  MHD_add_response_header(response, "Cache-Control", "no-store");
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(response, "X-Frame-Options", "SAMEORIGIN");
  const MHD_Result result = MHD_queue_response(c, status, response);
  MHD_destroy_response(response);
  return result;
}

MHD_Result serve_json(MHD_Connection* c, const Reply& reply) {
  return serve_send(c, unsigned(reply.status), reply.body.dump(), "application/json");
}

// The event stream's next bytes; with nothing new the connection is
// suspended until the log's next append resumes it.
ssize_t serve_stream(void* cls, uint64_t, char* buffer, size_t max) {
  auto* w = static_cast<ServeWatcher*>(cls);
  MHD_Connection* c = w->connection;
  const long n = w->events->read(
      w->offset, buffer, max, [c] { MHD_suspend_connection(c); },
      [c] { MHD_resume_connection(c); });
  if (n < 0) return MHD_CONTENT_READER_END_OF_STREAM;
  w->offset += size_t(n);
  return n;
}

MHD_Result serve_events(MHD_Connection* c, EventLog& events) {
  const std::string last = serve_header(c, "Last-Event-ID");
  size_t offset = 0;
  if (!last.empty() && last.size() < 19 &&
      last.find_first_not_of("0123456789") == std::string::npos)
    offset = events.offset_after(std::stoll(last));
  MHD_Response* response = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, 16384, serve_stream, new ServeWatcher{&events, c, offset},
      [](void* cls) { delete static_cast<ServeWatcher*>(cls); });
  MHD_add_response_header(response, "Content-Type", "text/event-stream");
  MHD_add_response_header(response, "Cache-Control", "no-store");
  const MHD_Result result = MHD_queue_response(c, MHD_HTTP_OK, response);
  MHD_destroy_response(response);
  return result;
}

std::string serve_read_file(const std::string& path, bool& found) {
  std::ifstream in(path, std::ios::binary);
  found = bool(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A complete request that passed the checks, to its route.
MHD_Result serve_route(MHD_Connection* c, LiveServer::State& s, const std::string& method,
                       const std::string& url, const ServeUpload& upload) {
  if (method == "POST") {
    const auto post = s.routes.posts.find(url);
    if (post == s.routes.posts.end()) return serve_json(c, {404, {{"error", "no such action"}}});
    if (upload.too_large)
      return serve_json(
          c, {413,
              {{"error", "request body over " + std::to_string(LiveServer::kMaxBody) + " bytes"}}});
    return serve_json(c, post->second(upload.body));
  }
  if (url == "/") return serve_send(c, 200, s.routes.page(s.listening), "text/html; charset=utf-8");
  if (url == "/events") return serve_events(c, s.events);
  const auto file = s.routes.files.find(url);
  if (file == s.routes.files.end()) return serve_send(c, 404, "not found\n", "text/plain");
  bool found = false;
  const std::string text = serve_read_file(file->second, found);
  if (!found) return serve_send(c, 404, "not written yet\n", "text/plain");
  const bool html = url.size() > 5 && url.compare(url.size() - 5, 5, ".html") == 0;
  return serve_send(c, 200, text, html ? "text/html; charset=utf-8" : "application/json");
}

// libmicrohttpd calls this first with the headers (checked then), then
// with each piece of the body, then once more with none: then it answers.
MHD_Result serve_answer(void* cls, MHD_Connection* c, const char* url, const char* method,
                        const char*, const char* data, size_t* size, void** request) {
  auto& s = *static_cast<LiveServer::State*>(cls);
  const std::string m = method;
  if (*request == nullptr) {
    *request = new ServeUpload;
    Refusal refusal = check_request(
        {m, serve_header(c, "Host"), serve_header(c, "Origin"), serve_header(c, "X-Minima-Token")},
        s.listening);
    if (refusal.status == 0 && m != "GET" && m != "HEAD" && m != "POST")
      refusal = {405, "only GET and POST"};
    const std::string length = serve_header(c, "Content-Length");
    if (refusal.status == 0 && length.size() > 6) refusal = {413, "request body too large"};
    if (refusal.status == 0 && !length.empty() &&
        std::atol(length.c_str()) > long(LiveServer::kMaxBody))
      refusal = {413, "request body over " + std::to_string(LiveServer::kMaxBody) + " bytes"};
    if (refusal.status != 0) return serve_json(c, {refusal.status, {{"error", refusal.message}}});
    return MHD_YES;
  }
  auto& upload = *static_cast<ServeUpload*>(*request);
  if (*size > 0) {
    if (upload.body.size() + *size > LiveServer::kMaxBody)
      upload.too_large = true;
    else
      upload.body.append(data, *size);
    *size = 0;
    return MHD_YES;
  }
  return serve_route(c, s, m, url, upload);
}

void serve_completed(void*, MHD_Connection*, void** request, MHD_RequestTerminationCode) {
  delete static_cast<ServeUpload*>(*request);
  *request = nullptr;
}

// The IPv4 address of `host` ("127.0.0.1", "0.0.0.0", a name) and `port`.
sockaddr_in serve_address(const std::string& host, int port) {
  addrinfo hints = {};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || !found)
    throw std::runtime_error("--host '" + host + "': not an IPv4 address or known name");
  sockaddr_in address;
  std::memcpy(&address, found->ai_addr, sizeof address);
  freeaddrinfo(found);
  address.sin_port = htons(uint16_t(port));
  return address;
}

}  // namespace

LiveServer::LiveServer(const ServeSettings& settings, Routes routes)
    : state_(std::make_unique<State>()) {
  state_->routes = std::move(routes);
  state_->listening.host = settings.host;
  state_->listening.token = new_token();
  sockaddr_in address = serve_address(settings.host, settings.port);
  state_->daemon =
      MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME,
                       uint16_t(settings.port), nullptr, nullptr, serve_answer, state_.get(),
                       MHD_OPTION_SOCK_ADDR, &address, MHD_OPTION_CONNECTION_LIMIT, kMaxConnections,
                       MHD_OPTION_CONNECTION_MEMORY_LIMIT, kConnectionMemory,
                       MHD_OPTION_CONNECTION_TIMEOUT, kIdleSeconds, MHD_OPTION_LISTEN_BACKLOG_SIZE,
                       512u, MHD_OPTION_NOTIFY_COMPLETED, serve_completed, nullptr, MHD_OPTION_END);
  if (!state_->daemon)
    throw std::runtime_error("cannot listen on " + settings.host + ":" +
                             std::to_string(settings.port) +
                             " (in use? --port 0 picks a free port)");
  state_->listening.port = MHD_get_daemon_info(state_->daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
}

LiveServer::~LiveServer() {
  state_->events.close();  // resumes every parked stream, which then ends
  MHD_stop_daemon(state_->daemon);
}

EventLog& LiveServer::events() { return state_->events; }
const Listening& LiveServer::listening() const { return state_->listening; }
std::string LiveServer::url() const {
  return "http://" + state_->listening.host + ":" + std::to_string(state_->listening.port) + "/";
}

}  // namespace minima::cli

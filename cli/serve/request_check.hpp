#pragma once
// What the live server (`minima compare --serve`) refuses before it looks
// at a request's path: a Host that is not this server (DNS rebinding: a
// foreign page whose name resolves to 127.0.0.1), and, on a request that
// starts work (a POST), a foreign Origin or a missing or wrong per-server
// token (cross-site request forgery).
#include <string>

namespace minima::cli {

struct Listening {
  std::string host;   // the address's name as given: "127.0.0.1" (default) or --host
  int port = 0;       // the bound port
  std::string token;  // the per-server secret the live page carries
};

struct RequestHeaders {
  std::string method, host, origin, token;  // token: the X-Minima-Token header
};

struct Refusal {
  int status = 0;  // the HTTP status; 0: not refused
  std::string message;
};

// Host must be "<name>:<port>" with a name of this machine's loopback
// ("127.0.0.1", "localhost", "[::1]") or the --host name; a POST must also
// come from "http://<that Host>" and carry the token.
Refusal check_request(const RequestHeaders& request, const Listening& listening);

// 32 random hex digits (std::random_device).
std::string new_token();

}  // namespace minima::cli

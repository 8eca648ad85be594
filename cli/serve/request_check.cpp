#include "cli/serve/request_check.hpp"

#include <random>

namespace minima::cli {

Refusal check_request(const RequestHeaders& request, const Listening& listening) {
  if (request.host.empty()) return {400, "missing Host header"};
  const std::string port = ":" + std::to_string(listening.port);
  bool known = false;
  for (const std::string& name :
       {std::string("127.0.0.1"), std::string("localhost"), std::string("[::1]"), listening.host})
    known = known || request.host == name + port;
  if (!known) return {421, "Host '" + request.host + "' is not this server"};
  if (request.method != "POST") return {};
  if (request.origin != "http://" + request.host)
    return {403, "a request that starts work must come from this server's page (Origin)"};
  if (request.token.empty() || request.token != listening.token)
    return {403, "missing or wrong token: reload the page"};
  return {};
}

std::string new_token() {
  std::random_device random;
  const char* hex = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 32; ++i) token += hex[random() % 16];
  return token;
}

}  // namespace minima::cli

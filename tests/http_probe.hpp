#pragma once
// Raw HTTP over a loopback socket, for the tests of the live server
// (`minima compare --serve`): well-formed or hostile bytes in, whatever the
// server answers out, with timeouts that only guard against hangs.
#include <string>

namespace minima::test {

// A connected TCP socket to 127.0.0.1:port; closed on destruction.
class Socket {
 public:
  explicit Socket(int port);
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of `bytes`; false when the server closed or refused them.
  bool send(const std::string& bytes);
  // Reads until the server closes, `until` appears in what was read, or
  // `timeout_ms` passes; returns everything read so far.
  std::string read(const std::string& until = "", int timeout_ms = 5000);

 private:
  int fd_ = -1;
  std::string received_;
};

// Sends `request` on a fresh connection and returns the answer (read to the close).
std::string http_exchange(int port, const std::string& request, int timeout_ms = 5000);
// "GET path HTTP/1.1" with Host 127.0.0.1:port, Connection: close and `extra` headers.
std::string http_get(int port, const std::string& path, const std::string& extra = "");
// The status code of an HTTP answer ("HTTP/1.1 421 ..." -> 421); 0 when none.
int http_status(const std::string& answer);

}  // namespace minima::test

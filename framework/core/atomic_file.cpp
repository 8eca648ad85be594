#include <minima/core/atomic_file.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <minima/core/format.hpp>

namespace minima {
namespace {

std::atomic<int64_t> injected_failure_after{-1};

// Owns a file descriptor; closes it on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and reports close()'s error (NFS reports write errors here).
  int close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& path, const char* verb, int error) {
  throw std::runtime_error(path + ": cannot " + verb + ": " + std::strerror(error));
}

// Writes all of `bytes` or returns the errno of the failure (0 on success).
int write_all(int fd, std::string_view bytes) {
  int64_t budget = injected_failure_after.exchange(-1);
  while (!bytes.empty()) {
    size_t chunk = bytes.size();
    if (budget >= 0) {
      if (budget == 0) return ENOSPC;
      chunk = std::min<size_t>(chunk, static_cast<size_t>(budget));
    }
    ssize_t n = ::write(fd, bytes.data(), chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    if (budget >= 0) budget -= n;
  }
  return 0;
}

// TEST HOOK for the crash-safety tests: MINIMA_TEST_KILL_DURING_SAVE=<file
// name>:<n>[:renamed] kills this process with SIGKILL during the n-th
// atomic replacement of a file (or symlink) with that name: half-way
// through writing the temp file, before the rename (default), or right
// after the rename ("renamed"). Unset, it costs one getenv.
enum class KillAt { Never, HalfWay, Renamed };

KillAt kill_requested(const std::string& path) {
  const char* hook = std::getenv("MINIMA_TEST_KILL_DURING_SAVE");
  if (!hook) return KillAt::Never;
  std::string spec = hook;
  KillAt when = KillAt::HalfWay;
  if (spec.ends_with(":renamed")) {
    spec.resize(spec.size() - std::strlen(":renamed"));
    when = KillAt::Renamed;
  }
  const size_t colon = spec.rfind(':');
  const std::string name = path.substr(path.find_last_of('/') + 1);
  if (colon == std::string::npos || spec.substr(0, colon) != name) return KillAt::Never;
  static std::atomic<int> writes{0};
  return ++writes == std::atoi(spec.c_str() + colon + 1) ? when : KillAt::Never;
}

// Writes, syncs and closes the temp file; returns the errno of the failure.
int write_temp_file(const std::string& temp, std::string_view bytes, bool kill_half_way) {
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (fd.get() < 0) return errno;
  if (kill_half_way) {
    write_all(fd.get(), bytes.substr(0, bytes.size() / 2));
    ::fsync(fd.get());
    ::raise(SIGKILL);
  }
  if (int error = write_all(fd.get(), bytes)) return error;
  if (::fsync(fd.get()) != 0) return errno;
  if (fd.close() != 0) return errno;
  return 0;
}

std::string directory_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Removes the temp files of `path` that writers killed mid-write left
// behind ("<path>.tmp.<pid>" of a process that no longer exists); a live
// writer's temp file is kept. Best effort: errors are ignored.
void remove_stale_temp_files(const std::string& path) {
  const std::string prefix = path.substr(path.find_last_of('/') + 1) + ".tmp.";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory_of(path), error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || name.size() == prefix.size() ||
        name.size() > prefix.size() + 9)
      continue;
    const std::string digits = name.substr(prefix.size());
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    const pid_t writer = pid_t(std::stol(digits));
    if (writer != ::getpid() && ::kill(writer, 0) != 0 && errno == ESRCH)
      std::filesystem::remove(entry.path(), error);
  }
}

// Renames the finished temp file (or symlink) over `path` and makes that
// durable; `error` is the errno of preparing the temp file (0: it is ready).
void commit_temp(const std::string& temp, const std::string& path, int error, KillAt kill) {
  if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    fail(path, "write", error);
  }
  if (kill == KillAt::Renamed) ::raise(SIGKILL);
  remove_stale_temp_files(path);
  // Makes the rename itself durable. The new file is in place by now, so a
  // failure here is reported but cannot bring the old file back.
  Fd dir(::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) fail(path, "write", errno);
}

std::string temp_name(const std::string& path) {
  return path + ".tmp." + std::to_string(::getpid());
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::string temp = temp_name(path);
  const KillAt kill = kill_requested(path);
  commit_temp(temp, path, write_temp_file(temp, bytes, kill == KillAt::HalfWay), kill);
}

void replace_symlink_atomically(const std::string& path, const std::string& target) {
  const std::string temp = temp_name(path);
  const KillAt kill = kill_requested(path);
  ::unlink(temp.c_str());  // a leftover of this pid (a reused pid of a killed writer)
  int error = ::symlink(target.c_str(), temp.c_str()) == 0 ? 0 : errno;
  if (error == 0 && kill == KillAt::HalfWay) ::raise(SIGKILL);
  commit_temp(temp, path, error, kill);
}

std::string read_file(const std::string& path, int64_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat info {};
  if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0) fail(path, "read", errno);
  if (S_ISDIR(info.st_mode)) fail(path, "read", EISDIR);
  const std::string limit = "the limit of " + format_bytes(max_bytes);
  if (info.st_size > max_bytes)
    throw std::runtime_error(path + ": " + format_bytes(info.st_size) + " exceeds " + limit);
  // Reads to EOF, not to st_size: a pipe, a FIFO or a device reports 0
  // bytes, and a growing file more than it said. One byte past the limit
  // proves the file too large.
  std::string bytes;
  bytes.reserve(size_t(info.st_size));
  char chunk[1 << 16];
  for (;;) {
    const size_t want =
        size_t(std::min<int64_t>(sizeof chunk, max_bytes + 1 - int64_t(bytes.size())));
    ssize_t n = ::read(fd.get(), chunk, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, "read", errno);
    if (n == 0) break;
    bytes.append(chunk, size_t(n));
    if (int64_t(bytes.size()) > max_bytes)
      throw std::runtime_error(path + ": more data than " + limit);
  }
  return bytes;
}

namespace testing {
void fail_writes_after(int64_t bytes) { injected_failure_after = bytes; }
}  // namespace testing

}  // namespace minima

#include <doctest/doctest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <minima/core/atomic_file.hpp>
#include "tests/temp_dir.hpp"

using namespace minima;
using minima::test::TempDir;

namespace {

// The message of what `write_file_atomically(path, bytes)` throws, "" if it does not.
std::string write_error(const std::string& path, const std::string& bytes) {
  try {
    write_file_atomically(path, bytes);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("write_file_atomically writes, then replaces, leaving no temp file") {
  TempDir dir("atomic_replace");
  const std::string path = dir.path("model.safetensors");
  write_file_atomically(path, "first version");
  CHECK(read_file(path) == "first version");
  const std::string binary("\0\x01\xff second", 10);
  write_file_atomically(path, binary);
  CHECK(read_file(path) == binary);
  write_file_atomically(path, "");
  CHECK(read_file(path).empty());
  CHECK(dir.files() == std::vector<std::string>{"model.safetensors"});
}

TEST_CASE("write_file_atomically into a missing directory names the path and the reason") {
  TempDir dir("atomic_missing_dir");
  const std::string path = dir.path("no/such/dir/model.safetensors");
  CHECK(write_error(path, "data") == path + ": cannot write: No such file or directory");
  CHECK(dir.files().empty());
}

TEST_CASE("a write failing half-way (injected ENOSPC) keeps the old file intact") {
  TempDir dir("atomic_enospc");
  const std::string path = dir.path("model.safetensors");
  const std::string old_bytes = "the complete old checkpoint";
  write_file_atomically(path, old_bytes);

  const std::string new_bytes(100000, 'x');
  for (int64_t written : {int64_t(0), int64_t(1), int64_t(50000), int64_t(99999)}) {
    CAPTURE(written);
    testing::fail_writes_after(written);
    CHECK(write_error(path, new_bytes) == path + ": cannot write: " + std::strerror(ENOSPC));
    CHECK(read_file(path) == old_bytes);
    CHECK(dir.files() == std::vector<std::string>{"model.safetensors"});
  }
  // The injection is one-shot: the next write goes through.
  write_file_atomically(path, new_bytes);
  CHECK(read_file(path) == new_bytes);
}

TEST_CASE("a cancelled injected failure does not fire") {
  TempDir dir("atomic_cancel");
  const std::string path = dir.path("f");
  testing::fail_writes_after(3);
  testing::fail_writes_after(-1);
  write_file_atomically(path, "all of it");
  CHECK(read_file(path) == "all of it");
}

TEST_CASE("a real full disk (64 KB tmpfs, root only) keeps the old file intact") {
  TempDir dir("atomic_tmpfs");
  const std::string mount_point = dir.path();
  if (::geteuid() != 0 || ::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=64k") != 0) {
    MESSAGE("skipped: cannot mount a tmpfs here (" << std::strerror(errno) << ")");
    return;
  }
  struct Unmount {
    std::string where;
    ~Unmount() { ::umount2(where.c_str(), MNT_DETACH); }
  } unmount{mount_point};

  const std::string path = dir.path("model.safetensors");
  const std::string old_bytes(40000, 'o');
  write_file_atomically(path, old_bytes);
  // 40 KB old + 40 KB new do not fit in 64 KB: the temp file hits ENOSPC.
  CHECK(write_error(path, std::string(40000, 'n')) ==
        path + ": cannot write: " + std::strerror(ENOSPC));
  CHECK(read_file(path) == old_bytes);
  CHECK(dir.files() == std::vector<std::string>{"model.safetensors"});
}

TEST_CASE("read_file refuses a file over the limit before reading it, and names missing files") {
  TempDir dir("atomic_read");
  const std::string path = dir.path("big");
  write_file_atomically(path, std::string(3000, 'b'));
  CHECK(read_file(path, 3000).size() == 3000);
  CHECK_THROWS_WITH_AS(read_file(path, 2048),
                       (path + ": 2.9 KB exceeds the limit of 2.0 KB").c_str(), std::runtime_error);
  const std::string missing = dir.path("missing");
  CHECK_THROWS_WITH_AS(read_file(missing),
                       (missing + ": cannot read: No such file or directory").c_str(),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(read_file(dir.path()),
                       (dir.path() + ": cannot read: Is a directory").c_str(), std::runtime_error);
}

TEST_CASE("read_file reads a FIFO to its end, and stops a stream at the limit") {
  TempDir dir("atomic_fifo");
  const std::string fifo = dir.path("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const auto& [bytes, limit] : {std::pair{std::string(200000, 'p'), int64_t(1) << 20},
                                     std::pair{std::string(5000, 'q'), int64_t(4096)}}) {
    std::thread writer([&, bytes = bytes] {
      std::ofstream out(fifo, std::ios::binary);  // blocks until read_file opens the FIFO
      out << bytes;
    });
    std::string got, error;
    try {
      got = read_file(fifo, limit);
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    writer.join();
    if (int64_t(bytes.size()) <= limit) {
      CHECK(got == bytes);
    } else {
      CHECK(error == fifo + ": more data than the limit of 4.0 KB");
    }
  }
}

TEST_CASE("replace_symlink_atomically points a symlink at a new target, leaving no temp file") {
  TempDir dir("atomic_symlink");
  write_file_atomically(dir.path("a"), "first");
  write_file_atomically(dir.path("b"), "second");
  replace_symlink_atomically(dir.path("link"), "a");
  CHECK(read_file(dir.path("link")) == "first");
  replace_symlink_atomically(dir.path("link"), "b");
  CHECK(read_file(dir.path("link")) == "second");
  CHECK(dir.files() == std::vector<std::string>{"a", "b", "link"});
}

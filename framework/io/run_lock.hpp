#pragma once
// One writer per run directory: RUN_DIR/lock, held with flock(LOCK_EX) for
// as long as a RunLock lives and holding the owner's PID as text. The
// kernel drops the lock when its process dies (even by SIGKILL), so a stale
// lock file never blocks a later run.
#include <string>

namespace minima {

class RunLock {
 public:
  RunLock() = default;
  // Creates `dir` if needed and locks it, or throws std::runtime_error
  // "<dir>: in use by another minima run (pid 1234); wait for it to end or
  // choose another output.dir".
  explicit RunLock(const std::string& dir);
  ~RunLock();
  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  bool held() const { return fd_ >= 0; }
  // Releases the lock now (the destructor does it otherwise).
  void release();

 private:
  int fd_ = -1;
};

}  // namespace minima

#pragma once
// Ctrl-C during `train` and `compare`: while an InterruptGuard lives, the
// first SIGINT only sets interrupt_requested(), so the training loops stop
// at their next step and save what they have; the handler then resets
// itself, and a second Ctrl-C kills as usual.
#include <atomic>
#include <csignal>

namespace minima::cli {

// Set by the first Ctrl-C under a guard (TrainerOptions::stop points here).
std::atomic<bool>& interrupt_requested();

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handler
  ~InterruptGuard();  // puts the previous one back
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction previous_ = {};
};

}  // namespace minima::cli

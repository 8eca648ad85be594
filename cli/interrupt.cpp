#include "cli/interrupt.hpp"

namespace minima::cli {
namespace {

void on_interrupt(int) { interrupt_requested().store(true); }

}  // namespace

std::atomic<bool>& interrupt_requested() {
  static std::atomic<bool> requested{false};
  return requested;
}

InterruptGuard::InterruptGuard() {
  struct sigaction action = {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_);
}

InterruptGuard::~InterruptGuard() { sigaction(SIGINT, &previous_, nullptr); }

}  // namespace minima::cli

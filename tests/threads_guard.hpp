#pragma once
// Restores the thread count a test changes (minima::set_threads), also when
// an assertion ends the test early.
#include <minima/core/parallel.hpp>
#include <minima/platform/threads.hpp>

namespace minima::test {

struct ThreadsGuard {
  int before = parallel_threads();
  ~ThreadsGuard() { set_threads(before); }
};

}  // namespace minima::test

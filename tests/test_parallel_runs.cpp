// How `minima compare` runs its variants side by side.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "cli/compare/parallel_runs.hpp"

using namespace minima;
using namespace minima::cli;

TEST_CASE("parallel_run_count: one run per core when each run trains on one thread") {
  CHECK(parallel_run_count(2, 1, 2) == 2);
  CHECK(parallel_run_count(3, 1, 2) == 2);
  CHECK(parallel_run_count(2, 1, 8) == 2);
  CHECK(parallel_run_count(2, 1, 1) == 1);
  CHECK(parallel_run_count(2, 2, 8) == 1);  // multi-threaded runs: one at a time
  CHECK(parallel_run_count(0, 1, 2) == 1);
}

TEST_CASE("run_in_parallel: every task once, in order on one job, and the first error rethrown") {
  std::vector<int> order;
  run_in_parallel(4, 1, [&](size_t i) { order.push_back(int(i)); });
  CHECK(order == std::vector<int>{0, 1, 2, 3});

  std::vector<std::atomic<int>> calls(5);
  run_in_parallel(5, 2, [&](size_t i) { ++calls[i]; });
  for (const std::atomic<int>& c : calls) CHECK(c.load() == 1);

  std::atomic<int> ran{0};
  CHECK_THROWS_WITH(run_in_parallel(3, 2,
                                    [&](size_t i) {
                                      ++ran;
                                      if (i == 1) throw std::runtime_error("task 1 failed");
                                    }),
                    "task 1 failed");
  CHECK(ran.load() == 3);  // the others still ran
}

// How `minima compare` runs its variants side by side.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "cli/compare/side_by_side.hpp"

using namespace minima;

TEST_CASE("side_by_side_jobs: one run per core when each run trains on one thread") {
  CHECK(side_by_side_jobs(2, 1, 2) == 2);
  CHECK(side_by_side_jobs(3, 1, 2) == 2);
  CHECK(side_by_side_jobs(2, 1, 8) == 2);
  CHECK(side_by_side_jobs(2, 1, 1) == 1);
  CHECK(side_by_side_jobs(2, 2, 8) == 1);  // multi-threaded runs: one at a time
  CHECK(side_by_side_jobs(0, 1, 2) == 1);
}

TEST_CASE("run_side_by_side: every task once, in order on one job, and the first error rethrown") {
  std::vector<int> order;
  run_side_by_side(4, 1, [&](size_t i) { order.push_back(int(i)); });
  CHECK(order == std::vector<int>{0, 1, 2, 3});

  std::vector<std::atomic<int>> calls(5);
  run_side_by_side(5, 2, [&](size_t i) { ++calls[i]; });
  for (const std::atomic<int>& c : calls) CHECK(c.load() == 1);

  std::atomic<int> ran{0};
  CHECK_THROWS_WITH(run_side_by_side(3, 2,
                                     [&](size_t i) {
                                       ++ran;
                                       if (i == 1) throw std::runtime_error("task 1 failed");
                                     }),
                    "task 1 failed");
  CHECK(ran.load() == 3);  // the others still ran
}

#pragma once
// Running `count` independent tasks at most `jobs` at a time: `minima
// compare` trains its variants side by side when each run leaves cores idle.
#include <cstddef>
#include <functional>

namespace minima::cli {

// Calls task(0) ... task(count - 1), at most `jobs` of them at once, each
// on its own thread (jobs <= 1: one after the other on the calling thread,
// in order). Tasks start in index order. Returns when all have returned;
// the first exception a task threw is rethrown then.
void run_in_parallel(size_t count, int jobs, const std::function<void(size_t)>& task);

// How many of `count` runs to train at once on `cpus` cores when each run
// uses `threads_per_run` threads: as many as fit, and one at a time when a
// run would use more than one thread (its result depends on the thread
// count, and two multi-threaded runs would fight over the cores).
int parallel_run_count(size_t count, int threads_per_run, int cpus);

}  // namespace minima::cli

#pragma once
// What `minima compare` tells a watcher about each run while it trains (the
// live page of --serve listens): its start with the untrained net's test
// accuracy, each evaluation, its end; and after each run, that report.html
// holds the runs done so far. Called from the training threads; an
// observer must return quickly and never wait.
#include <cstddef>
#include <cstdint>
#include <string>

#include <minima/io/metrics_log.hpp>

namespace minima::cli {

struct RunId {
  size_t variant;    // index in the compare's variants
  std::string name;  // the variant's name
  int64_t seed;
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void started(const RunId& run, int64_t total_steps, double accuracy) = 0;
  virtual void evaluated(const RunId& run, const EvalPoint& point) = 0;
  virtual void ended(const RunId& run, int64_t steps, bool finished) = 0;
  // report.html was rewritten with `runs_done` runs (every chart and table of
  // the report, so far).
  virtual void report_written(size_t runs_done) = 0;
};

}  // namespace minima::cli

#pragma once
// `minima compare --serve`: the live page of a comparison. It starts the
// server (live_server.hpp), prints its address, turns each run's start,
// evaluations and end into small JSON events for the page's charts
// ({"type": "eval", "variant": 1, "seed": 7, "step": 500, "accuracy": 0.93,
// "loss": 0.21, "t": <ms since 1970>}; "t" is when the evaluation finished,
// so a watcher measures its latency), and once the runs are done tells the
// page to show report.html, then serves until Ctrl-C.
#include <memory>
#include <string>
#include <vector>

#include "cli/serve/live_server.hpp"
#include "cli/serve/run_observer.hpp"
#include "cli/serve/serve_options.hpp"

namespace minima::cli {

class LiveCompare : public RunObserver {
 public:
  // `variants`: the names in config order; `out_dir` holds report.html and summary.json.
  LiveCompare(const ServeArgs& args, const std::string& title,
              const std::vector<std::string>& variants, size_t runs, const std::string& out_dir);

  void started(const RunId& run, int64_t total_steps, double accuracy) override;
  void evaluated(const RunId& run, const EvalPoint& point) override;
  void ended(const RunId& run, int64_t steps, bool finished) override;

  // The runs are done and report.html written: the page shows it. Unless
  // Ctrl-C stopped them, serves on until Ctrl-C.
  void serve_until_interrupted(bool stopped);

 private:
  std::unique_ptr<LiveServer> server_;
};

}  // namespace minima::cli

#pragma once
// `minima compare --serve`: the live page of a comparison. It starts the
// server (live_server.hpp), prints its address, turns each run's start,
// evaluations and end into small JSON events for the page's charts
// ({"type": "eval", "variant": 1, "seed": 7, "step": 500, "accuracy": 0.93,
// "loss": 0.21, "t": <ms since 1970>}; "t" is when the evaluation finished,
// so a watcher measures its latency), and once the runs are done tells the
// page to show report.html, then serves until Ctrl-C, running the what-ifs
// the page asks for (whatif.hpp) one after the other as they come: POST
// /whatif queues one (202, or 400 with the config code's error, 429 when
// too many), POST /cancel {"id": N} takes a waiting one off the queue or
// stops the running one at its next step.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/compare/compare_config.hpp"
#include "cli/serve/live_server.hpp"
#include "cli/serve/run_observer.hpp"
#include "cli/serve/serve_options.hpp"
#include "cli/serve/whatif.hpp"

namespace minima::cli {

class LiveCompare : public RunObserver {
 public:
  // `config_file` and `overrides` as given to `minima compare` (what-ifs
  // start from them); `variants`: the names in config order; `out_dir`
  // holds report.html and summary.json.
  LiveCompare(const ServeArgs& args, const std::string& config_file,
              const std::vector<std::string>& overrides, const std::string& title,
              const std::vector<std::string>& variants, size_t runs, const std::string& out_dir);

  void started(const RunId& run, int64_t total_steps, double accuracy) override;
  void evaluated(const RunId& run, const EvalPoint& point) override;
  void ended(const RunId& run, int64_t steps, bool finished) override;
  void report_written(size_t runs_done) override;

  // The runs are done and report.html written: the page shows it. Unless
  // Ctrl-C stopped them, serves on until Ctrl-C, handing each what-if's
  // one-variant compare config to `run_more` (which trains it, stopping at
  // the next step once `stop` is set: Ctrl-C or its cancel, and rewrites
  // the report) in the order they were queued.
  std::string url() const { return server_->url(); }

  void serve_until_interrupted(
      bool stopped, const std::function<void(CompareConfig, std::atomic<bool>& stop)>& run_more);

 private:
  Reply queue_whatif(const std::string& body);
  Reply cancel_whatif(const std::string& body);
  CompareConfig whatif_config(const WhatIf& w) const;
  void whatif_event(const WhatIf& w, const char* state, const std::string& error = "");

  std::string config_file_;
  std::vector<std::string> overrides_;
  nlohmann::ordered_json compare_doc_;  // the compare file as read at the start
  WhatIfQueue queue_;
  std::mutex ids_;
  int last_id_ = 0;
  std::atomic<int> running_{0};  // the what-if training now; 0: none
  std::atomic<bool> stop_running_{false};
  std::unique_ptr<LiveServer> server_;
};

}  // namespace minima::cli

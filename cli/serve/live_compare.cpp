#include "cli/serve/live_compare.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <minima/core/atomic_file.hpp>
#include <minima/nn/graph.hpp>
#include <minima/train/run_config.hpp>
#include "cli/interrupt.hpp"
#include "cli/serve/live_page.hpp"

namespace minima::cli {
namespace {

// Milliseconds since 1970 (the clock a browser's Date.now() reads).
double wall_ms() {
  using namespace std::chrono;
  return double(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()) / 1000;
}

nlohmann::json run_event(const char* type, const RunId& run) {
  return {{"type", type}, {"variant", run.variant}, {"seed", run.seed}, {"t", wall_ms()}};
}

}  // namespace

LiveCompare::LiveCompare(const ServeArgs& args, const std::string& config_file,
                         const std::vector<std::string>& overrides, const std::string& title,
                         const std::vector<std::string>& variants, size_t runs,
                         const std::string& out_dir)
    : config_file_(config_file),
      overrides_(overrides),
      compare_doc_(nlohmann::ordered_json::parse(read_file(config_file))) {
  const bool host_given = !args.host.empty();
  const ServeSettings settings{host_given ? args.host : "127.0.0.1", args.port};
  const std::filesystem::path out(out_dir);
  Routes routes;
  routes.page = [host_given](const Listening& l) { return live_page_html(l, host_given); };
  routes.files = {{"/report.html", (out / "report.html").string()},
                  {"/summary.json", (out / "summary.json").string()}};
  routes.posts["/whatif"] = [this](const std::string& body) { return queue_whatif(body); };
  routes.posts["/cancel"] = [this](const std::string& body) { return cancel_whatif(body); };
  server_ = std::make_unique<LiveServer>(settings, std::move(routes));
  server_->events().append(
      {{"type", "setup"}, {"title", title}, {"variants", variants}, {"runs", runs}});
  if (host_given)
    std::printf(
        "minima compare: listening on %s as --host asks: whoever reaches it can watch "
        "and ask what-ifs\n",
        settings.host.c_str());
  std::printf("live page: %s (Ctrl-C stops)\n", server_->url().c_str());
  std::fflush(stdout);
}

void LiveCompare::started(const RunId& run, int64_t total_steps, double accuracy) {
  nlohmann::json event = run_event("start", run);
  event["name"] = run.name;
  event["total"] = total_steps;
  event["accuracy"] = accuracy;
  server_->events().append(event);
}

void LiveCompare::evaluated(const RunId& run, const EvalPoint& point) {
  nlohmann::json event = run_event("eval", run);
  event["step"] = point.step;
  event["accuracy"] = point.eval_acc;
  event["loss"] = point.train_loss;
  event["seconds"] = point.seconds;
  server_->events().append(event);
}

void LiveCompare::ended(const RunId& run, int64_t steps, bool finished) {
  nlohmann::json event = run_event("end", run);
  event["steps"] = steps;
  event["finished"] = finished;
  server_->events().append(event);
}

// {"type": "report", "report": "/report.html", "runs": N}: the page shows
// the report so far below its live charts, so every chart of the report
// grows run by run.
void LiveCompare::report_written(size_t runs_done) {
  server_->events().append({{"type", "report"}, {"report", "/report.html"}, {"runs", runs_done}});
}

void LiveCompare::serve_until_interrupted(
    bool stopped, const std::function<void(CompareConfig, std::atomic<bool>& stop)>& run_more) {
  server_->events().append({{"type", "done"}, {"report", "/report.html"}});
  if (stopped) return;
  const InterruptGuard interrupts;
  std::printf("still serving %s until Ctrl-C\n", server_->url().c_str());
  std::fflush(stdout);
  while (!interrupt_requested().load()) {
    const std::optional<WhatIf> w = queue_.next(std::chrono::milliseconds(100));
    if (!w) continue;
    whatif_event(*w, "running");
    stop_running_ = false;
    running_ = w->id;
    // Ctrl-C stops the what-if too: passed on to its stop flag.
    std::atomic<bool> ended{false};
    std::thread relay([&] {
      while (!ended.load()) {
        if (interrupt_requested().load()) stop_running_ = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    try {
      run_more(whatif_config(*w), stop_running_);
      whatif_event(*w, interrupt_requested().load() ? "stopped"
                       : stop_running_.load()       ? "cancelled"
                                                    : "done");
    } catch (const std::exception& e) {
      whatif_event(*w, "failed", e.what());
    }
    ended = true;
    relay.join();
    running_ = 0;
    server_->events().append({{"type", "done"}, {"report", "/report.html"}});
  }
}

CompareConfig LiveCompare::whatif_config(const WhatIf& w) const {
  return parse_compare_config(whatif_document(compare_doc_, w), config_file_, overrides_);
}

Reply LiveCompare::queue_whatif(const std::string& body) {
  WhatIf w;
  try {
    const std::lock_guard lock(ids_);
    w = read_whatif(body, last_id_ + 1);
    // Checked now as a run config, so that the page shows what is wrong
    // (the data is loaded, and checked, when it runs).
    for (const CompareVariant& v : whatif_config(w).variants)
      Graph::from_json(parse_run_config(v.config, v.source).layers, "/model/layers");
    ++last_id_;
  } catch (const std::exception& e) {
    return {400, {{"error", e.what()}}};
  }
  const std::string refused = queue_.push(w);
  if (!refused.empty()) return {429, {{"error", refused}}};
  whatif_event(w, "queued");
  return {202, {{"id", w.id}, {"name", w.name}}};
}

Reply LiveCompare::cancel_whatif(const std::string& body) {
  const nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
  if (!request.is_object() || !request.contains("id") || !request["id"].is_number_integer())
    return {400, {{"error", "expected {\"id\": N}"}}};
  const int id = request["id"].get<int>();
  if (id > 0 && running_.load() == id) {
    stop_running_ = true;  // the what-if's own event says when it stopped
    return {202, {{"id", id}, {"state", "cancelling"}}};
  }
  if (!queue_.cancel(id))
    return {409, {{"error", "what if #" + std::to_string(id) + " is neither waiting nor running"}}};
  server_->events().append({{"type", "whatif"}, {"id", id}, {"state", "cancelled"}});
  return {200, {{"id", id}, {"state", "cancelled"}}};
}

void LiveCompare::whatif_event(const WhatIf& w, const char* state, const std::string& error) {
  nlohmann::json event = {{"type", "whatif"},     {"id", w.id},       {"name", w.name},
                          {"changes", w.changes}, {"seeds", w.seeds}, {"state", state}};
  if (!error.empty()) event["error"] = error;
  server_->events().append(event);
}

}  // namespace minima::cli

#include "cli/serve/live_compare.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

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

LiveCompare::LiveCompare(const ServeArgs& args, const std::string& title,
                         const std::vector<std::string>& variants, size_t runs,
                         const std::string& out_dir) {
  const bool host_given = !args.host.empty();
  const ServeSettings settings{host_given ? args.host : "127.0.0.1", args.port};
  const std::filesystem::path out(out_dir);
  Routes routes;
  routes.page = [host_given](const Listening& l) { return live_page_html(l, host_given); };
  routes.files = {{"/report.html", (out / "report.html").string()},
                  {"/summary.json", (out / "summary.json").string()}};
  server_ = std::make_unique<LiveServer>(settings, std::move(routes));
  server_->events().append(
      {{"type", "setup"}, {"title", title}, {"variants", variants}, {"runs", runs}});
  if (host_given)
    std::printf("minima compare: listening on %s as --host asks: whoever reaches it can watch\n",
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

void LiveCompare::serve_until_interrupted(bool stopped) {
  server_->events().append({{"type", "done"}, {"report", "/report.html"}});
  if (stopped) return;
  const InterruptGuard interrupts;
  std::printf("still serving %s until Ctrl-C\n", server_->url().c_str());
  std::fflush(stdout);
  while (!interrupt_requested().load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace minima::cli

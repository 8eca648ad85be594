#include <minima/lesson/update_scales/update_scales_summary.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace minima::lesson {
namespace {

// `ratio` of `tensor` at point `p` of `result`; nullopt when `result` has no such tensor.
std::optional<double> recorded_ratio(const UpdateScalesResult& result, const UpdateScalesPoint& p,
                                     const std::string& tensor, ScaleRatio ratio) {
  const auto it = std::find(result.tensors.begin(), result.tensors.end(), tensor);
  const std::vector<double>& ratios = ratio == ScaleRatio::Update ? p.update_ratio : p.grad_ratio;
  const size_t index = size_t(it - result.tensors.begin());
  if (it == result.tensors.end() || index >= ratios.size()) return std::nullopt;
  return ratios[index];
}

void add_new_names(std::vector<std::string>& names, const std::vector<std::string>& more) {
  for (const std::string& name : more)
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

std::vector<UpdateScalesRun> update_scales_runs(const VariantSummary& v) {
  std::vector<UpdateScalesRun> runs;
  for (const SeedResult& s : v.seeds)
    if (auto result = result_of<UpdateScalesResult>(s, "update_scales");
        result && !result->points.empty())
      runs.push_back({s.seed, s.run_seconds, std::move(*result)});
  return runs;
}

std::vector<std::string> update_scales_tensors(const VariantSummary& v) {
  std::vector<std::string> names;
  for (const UpdateScalesRun& run : update_scales_runs(v)) add_new_names(names, run.result.tensors);
  return names;
}

std::vector<std::string> update_scales_tensors(const CompareSummary& summary) {
  std::vector<std::string> names;
  for (const VariantSummary& v : summary.variants) add_new_names(names, update_scales_tensors(v));
  return names;
}

bool has_update_scales(const CompareSummary& summary) {
  return std::any_of(summary.variants.begin(), summary.variants.end(),
                     [](const VariantSummary& v) { return !update_scales_runs(v).empty(); });
}

std::optional<Spread> ratio_spread(const VariantSummary& v, const std::string& tensor,
                                   ScaleRatio ratio) {
  std::vector<double> medians;
  for (const UpdateScalesRun& run : update_scales_runs(v)) {
    std::vector<double> values;
    for (const UpdateScalesPoint& p : run.result.points)
      if (const auto r = recorded_ratio(run.result, p, tensor, ratio)) values.push_back(*r);
    if (!values.empty()) medians.push_back(percentile(values, 50));
  }
  if (medians.empty()) return std::nullopt;
  return spread_of_values(medians);
}

std::vector<SeedCurve> ratio_curves(const VariantSummary& v, const std::string& tensor,
                                    ScaleRatio ratio) {
  std::vector<SeedCurve> curves;
  for (const UpdateScalesRun& run : update_scales_runs(v)) {
    SeedCurve curve{run.seed, {}, {}};
    for (const UpdateScalesPoint& p : run.result.points)
      if (const auto r = recorded_ratio(run.result, p, tensor, ratio)) {
        curve.x.push_back(double(p.step));
        curve.y.push_back(*r);
      }
    if (!curve.x.empty()) curves.push_back(std::move(curve));
  }
  return curves;
}

nlohmann::json update_scales_aggregate(const VariantSummary& v) {
  const std::vector<std::string> tensors = update_scales_tensors(v);
  if (tensors.empty()) return nullptr;
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& tensor : tensors)
    out.push_back({{"tensor", tensor},
                   {"update_ratio", ratio_spread(v, tensor, ScaleRatio::Update)},
                   {"grad_ratio", ratio_spread(v, tensor, ScaleRatio::Gradient)}});
  return out;
}

std::string format_ratio(double r) {
  if (std::isnan(r)) return "\u2014";
  char text[32];
  std::snprintf(text, sizeof(text), "%.2e", r);
  return text;
}

std::string format_ratio_spread(const std::optional<Spread>& s) {
  return s ? format_spread(*s, format_ratio) : "\u2014";
}

std::optional<double> update_scales_overhead(const CompareSummary& summary) {
  double recording = 0, without = 0;
  for (const VariantSummary& v : summary.variants)
    for (const UpdateScalesRun& run : update_scales_runs(v)) {
      recording += run.result.record_seconds;
      without += run.run_seconds - run.result.record_seconds;
    }
  if (!(without > 0)) return std::nullopt;
  return recording / without;
}

}  // namespace minima::lesson

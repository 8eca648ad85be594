#pragma once
// The update:data and gradient:data ratios (update_scales.hpp) in a
// compare summary: per run and weight tensor one number, the ratio's median
// over the run's recorded steps, and its median [min–max] over seeds; per
// recorded step the values over seeds, for the charts; what recording cost.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/lesson/summary.hpp>
#include <minima/lesson/training_charts.hpp>
#include <minima/lesson/update_scales/update_scales.hpp>

namespace minima::lesson {

enum class ScaleRatio { Update, Gradient };

// The rule of thumb's update:data ratio (Karpathy, makemore part 3).
constexpr double kUpdateRatioGuide = 1e-3;

// One seed's record, with the wall time of its whole run.
struct UpdateScalesRun {
  int64_t seed = 0;
  double run_seconds = 0;
  UpdateScalesResult result;
};
// The seeds of `v` that recorded at least one point, in seed order.
std::vector<UpdateScalesRun> update_scales_runs(const VariantSummary& v);
// The tensors recorded in any run of `v` / of the summary, in the order first met.
std::vector<std::string> update_scales_tensors(const VariantSummary& v);
std::vector<std::string> update_scales_tensors(const CompareSummary& summary);
bool has_update_scales(const CompareSummary& summary);

// Per seed the median of `ratio` over its recorded steps; their median
// [min–max] over seeds. nullopt when no seed recorded `tensor`.
std::optional<Spread> ratio_spread(const VariantSummary& v, const std::string& tensor,
                                   ScaleRatio ratio);

// Each seed's line of `ratio` of `tensor` over its recorded steps.
std::vector<SeedCurve> ratio_curves(const VariantSummary& v, const std::string& tensor,
                                    ScaleRatio ratio);

// [{"tensor", "update_ratio", "grad_ratio"}] (spreads) per tensor; null when not recorded.
nlohmann::json update_scales_aggregate(const VariantSummary& v);

// "1.23e-03": three significant digits; "—" for nullopt and NaN.
std::string format_ratio(double r);
std::string format_ratio_spread(const std::optional<Spread>& s);

// Recording's seconds over the runs' seconds without them, over every run
// that recorded; nullopt when none did.
std::optional<double> update_scales_overhead(const CompareSummary& summary);

}  // namespace minima::lesson

#pragma once
// Santurkar et al.'s measures (landscape.hpp) in a compare
// summary, over seeds: a variant's value at each measured step, and one
// number per run (the median over its measured steps) with its median
// [min–max] over seeds; and what measuring cost.
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <minima/lesson/landscape/landscape_meter.hpp>
#include <minima/lesson/summary.hpp>

namespace minima::lesson {

// What the "landscape" measurement keeps of one run (seeds[k].measures.landscape).
struct LandscapeResult {
  std::vector<std::string> layers;     // the weight layers ICS follows ("fc1", ...)
  double measure_seconds = 0;          // the run's wall time spent measuring
  std::vector<LandscapePoint> points;  // at every measured step, in step order
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LandscapeResult, layers, measure_seconds, points)

// One seed's measures, with the wall time of its whole run.
struct LandscapeRun {
  int64_t seed = 0;
  double run_seconds = 0;
  LandscapeResult result;
};
// The seeds of `v` that measured the landscape, in seed order.
std::vector<LandscapeRun> landscape_runs(const VariantSummary& v);
// The weight layers ICS follows in `v`'s first run that measured; none without.
std::vector<std::string> landscape_layers(const VariantSummary& v);

// One number of a measured point.
using LandscapeValue = std::function<double(const LandscapePoint&)>;
LandscapeValue ics_l2(size_t layer);          // ||G - G'||_2 of weight layer `layer`
LandscapeValue ics_cosine(size_t layer);      // cos(G, G')
double loss_range(const LandscapePoint& p);   // max_eta L - min_eta L along the gradient
double grad_change(const LandscapePoint& p);  // max_eta ||g - grad L(theta - eta g)||
double beta_smoothness(const LandscapePoint& p);

// Whether any run of the summary measured the landscape.
bool has_landscape(const CompareSummary& summary);

// Per measured step of the first seed, `value` at that step in every seed that measured it.
std::vector<std::pair<int64_t, std::vector<double>>> landscape_over_seeds(
    const VariantSummary& v, const LandscapeValue& value);

// Per seed the median of `value` over its measured steps; their median
// [min–max] over the seeds. nullopt when no seed measured it.
std::optional<Spread> landscape_spread(const VariantSummary& v, const LandscapeValue& value);

// The weight layers, by index in a variant's landscape_layers and by name,
// whose shift is not 0 by definition (something below them moved) in some
// run, in the order first met.
std::vector<std::pair<size_t, std::string>> shifted_layers(const CompareSummary& summary);

// "0.0123 [0.0110–0.0131]" (three significant digits); "—" for nullopt.
std::string format_measure(const std::optional<Spread>& s);
std::string format_significant(double v);  // 0.012345 -> "0.0123"

// What measuring cost, over the runs that measured: the seconds spent
// measuring divided by the seconds the runs took without them (their wall
// time minus those seconds). nullopt when nothing was measured.
std::optional<double> measure_overhead(const std::vector<LandscapeRun>& runs);
std::optional<double> measure_overhead(const CompareSummary& summary);  // every run

}  // namespace minima::lesson

#pragma once
// What the "probe" measurement keeps of one run (seeds[k].measures.probe in
// summary.json): per probed layer its label, what one trace follows, its
// drift (drift.hpp) and the percentiles of its typical unit over training.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/lesson/probes/probes.hpp>
#include <minima/lesson/summary.hpp>

namespace minima::lesson {

// The unit of a probed layer that the charts show (the typical one, drift.hpp).
struct ShownUnit {
  int64_t unit = 0;
  UnitTrace trace;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ShownUnit, unit, trace)

struct ProbeResult {
  int64_t batch = 0;                         // test inputs behind each percentile
  std::vector<std::string> layers;           // "input to sigmoid1 (bn1)", per probed layer
  std::vector<std::string> units;            // what one trace follows: "unit" or "channel"
  std::vector<std::optional<double>> drift;  // nullopt: no unit of the layer has a scale
  std::vector<ShownUnit> shown;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProbeResult, batch, layers, units, drift, shown)

// The probe results of `v`'s seeds (those that recorded one), in seed order.
std::vector<ProbeResult> probe_results(const VariantSummary& v);
// The drift of probed layer `layer` of `v` over the seeds that measured it.
std::optional<Spread> drift_spread(const VariantSummary& v, size_t layer);

}  // namespace minima::lesson

#include "cli/compare/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace minima {
namespace {

using nlohmann::json;

// NaN is null in JSON, and back.
json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }
double number_of(const json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

json bounded_json(const Bounded& b) {
  static const char* const bounds[] = {"exact", "at_least", "at_most"};
  return {{"value", b.value}, {"bound", bounds[int(b.bound)]}};
}

json spread_json(const std::optional<Spread>& s) {
  if (!s) return nullptr;
  return {{"median", bounded_json(s->median)},
          {"min", bounded_json(s->min)},
          {"max", bounded_json(s->max)}};
}

json seed_json(const SeedResult& s, const std::vector<double>& thresholds) {
  json j = {{"seed", s.seed},
            {"steps", s.steps},
            {"finished", s.finished},
            {"ms_per_step", s.ms_per_step},
            {"final_accuracy", s.final_accuracy()}};
  json steps_to = json::array();
  for (const ThresholdHit& h : steps_to_thresholds(s.accuracy, thresholds))
    steps_to.push_back(h.reached() ? json(*h.step) : json(nullptr));
  j["steps_to"] = steps_to;
  j["drift"] = json::array();
  for (double d : s.drift) j["drift"].push_back(number_or_null(d));
  j["accuracy"] = json::array();
  for (const AccuracyPoint& p : s.accuracy) j["accuracy"].push_back({p.step, p.accuracy});
  j["loss"] = json::array();
  for (const LossPoint& p : s.loss) j["loss"].push_back({p.step, p.loss});
  j["shown"] = json::array();
  for (const ShownUnit& u : s.shown) {
    json points = json::array();
    for (const ProbePoint& p : u.trace) points.push_back({p.step, p.p15, p.p50, p.p85});
    j["shown"].push_back({{"unit", u.unit}, {"points", points}});
  }
  j["run_seconds"] = s.run_seconds;
  j["measure_seconds"] = s.measure_seconds;
  j["landscape"] = json::array();
  for (const LandscapePoint& p : s.landscape) {
    json l2 = json::array(), cosine = json::array();
    for (const GradientShift& g : p.ics) {
      l2.push_back(g.l2);
      cosine.push_back(g.cosine);
    }
    j["landscape"].push_back({{"step", p.step},
                              {"loss", p.loss},
                              {"loss_min", p.along.loss_min},
                              {"loss_max", p.along.loss_max},
                              {"grad_change_min", p.along.grad_change_min},
                              {"grad_change_max", p.along.grad_change_max},
                              {"beta", p.along.beta},
                              {"ics_l2", l2},
                              {"ics_cosine", cosine}});
  }
  j["train_mode_accuracy"] = json::array();
  for (const AccuracyPoint& p : s.train_mode_accuracy)
    j["train_mode_accuracy"].push_back({p.step, p.accuracy});
  j["telemetry"] = json::array();
  for (const LayerTelemetry& t : s.telemetry) {
    json points = json::array();
    for (const TelemetryPoint& p : t.points)
      points.push_back({p.step, p.mean, p.std, p.saturated, p.histogram});
    j["telemetry"].push_back({{"name", t.name},
                              {"type", t.type},
                              {"lo", t.lo},
                              {"hi", t.hi},
                              {"points", points},
                              {"unit", t.unit}});
  }
  return j;
}

LayerTelemetry telemetry_from_json(const json& j) {
  LayerTelemetry t;
  t.name = j.at("name").get<std::string>();
  t.type = j.at("type").get<std::string>();
  t.lo = j.at("lo").get<double>();
  t.hi = j.at("hi").get<double>();
  t.unit = j.value("unit", std::string("unit"));  // summaries written before channels
  for (const json& p : j.at("points"))
    t.points.push_back({p.at(0).get<int64_t>(), p.at(1).get<double>(), p.at(2).get<double>(),
                        p.at(3).get<double>(), p.at(4).get<std::vector<double>>()});
  return t;
}

LandscapePoint landscape_point_from_json(const json& j) {
  LandscapePoint p;
  p.step = j.at("step").get<int64_t>();
  p.loss = j.at("loss").get<double>();
  p.along = {j.at("loss_min").get<double>(), j.at("loss_max").get<double>(),
             j.at("grad_change_min").get<double>(), j.at("grad_change_max").get<double>(),
             j.at("beta").get<double>()};
  const json& l2 = j.at("ics_l2");
  const json& cosine = j.at("ics_cosine");
  for (size_t k = 0; k < l2.size() && k < cosine.size(); ++k)
    p.ics.push_back({l2[k].get<double>(), cosine[k].get<double>()});
  return p;
}

SeedResult seed_from_json(const json& j) {
  SeedResult s;
  s.seed = j.at("seed").get<int64_t>();
  s.steps = j.at("steps").get<int64_t>();
  s.finished = j.at("finished").get<bool>();
  s.ms_per_step = j.at("ms_per_step").get<double>();
  for (const json& d : j.at("drift")) s.drift.push_back(number_of(d));
  for (const json& p : j.at("accuracy")) s.accuracy.push_back({p[0], p[1]});
  for (const json& p : j.at("loss")) s.loss.push_back({p[0], p[1]});
  for (const json& u : j.at("shown")) {
    ShownUnit shown{u.at("unit").get<int64_t>(), {}};
    for (const json& p : u.at("points")) shown.trace.push_back({p[0], p[1], p[2], p[3]});
    s.shown.push_back(std::move(shown));
  }
  // Summaries written before the landscape measures have none of these.
  s.run_seconds = j.value("run_seconds", 0.0);
  s.measure_seconds = j.value("measure_seconds", 0.0);
  for (const json& p : j.value("landscape", json::array()))
    s.landscape.push_back(landscape_point_from_json(p));
  for (const json& p : j.value("train_mode_accuracy", json::array()))
    s.train_mode_accuracy.push_back({p.at(0).get<int64_t>(), p.at(1).get<double>()});
  for (const json& t : j.value("telemetry", json::array()))
    s.telemetry.push_back(telemetry_from_json(t));
  return s;
}

json aggregate_json(const CompareSummary& summary, const VariantSummary& v) {
  json j = {{"ms_per_step", median_ms_per_step(v)},
            {"final_accuracy", spread_json(final_accuracy_spread(v))}};
  const VariantSummary* base = baseline_of(summary, v);
  j["steps_to"] = j["speedup"] = json::array();
  for (double t : summary.thresholds) {
    j["steps_to"].push_back(spread_json(steps_spread(v, t)));
    j["speedup"].push_back(base ? spread_json(speedup_spread(*base, v, t)) : json(nullptr));
  }
  j["drift"] = json::array();
  for (size_t l = 0; l < v.layers.size(); ++l)
    j["drift"].push_back(spread_json(drift_spread(v, l)));
  return j;
}

}  // namespace

json to_json(const CompareSummary& summary) {
  json j = {{"title", summary.title},
            {"source", summary.source},
            {"thresholds", summary.thresholds},
            {"sweep_key", summary.sweep_key},
            {"probe_batch", summary.probe_batch},
            {"hardware", summary.hardware},
            {"notes", summary.notes},
            {"variants", json::array()}};
  for (const VariantSummary& v : summary.variants) {
    json seeds = json::array();
    for (const SeedResult& s : v.seeds) seeds.push_back(seed_json(s, summary.thresholds));
    j["variants"].push_back(
        {{"name", v.name},
         {"setting", v.setting},
         {"sweep_value", v.sweep_value},
         {"baseline", v.baseline},
         {"description", v.description},
         {"changes", v.changes},
         {"source", v.source},
         {"config", v.config},
         {"style", {v.style.color, v.style.dash, v.style.marker}},
         {"layers", v.layers},
         {"layer_units", v.layer_units},
         {"landscape_layers", v.landscape_layers},
         {"seeds", seeds},
         {"aggregate", v.seeds.empty() ? json(nullptr) : aggregate_json(summary, v)}});
  }
  return j;
}

CompareSummary summary_from_json(const json& doc) {
  CompareSummary s;
  s.title = doc.at("title").get<std::string>();
  s.source = doc.at("source").get<std::string>();
  s.thresholds = doc.at("thresholds").get<std::vector<double>>();
  s.sweep_key = doc.at("sweep_key").get<std::string>();
  s.probe_batch = doc.at("probe_batch").get<int64_t>();
  s.hardware = doc.at("hardware").get<std::string>();
  s.notes = doc.at("notes").get<std::vector<std::string>>();
  for (const json& j : doc.at("variants")) {
    VariantSummary v;
    v.name = j.at("name").get<std::string>();
    v.setting = j.at("setting").get<std::string>();
    v.sweep_value = j.at("sweep_value");
    v.baseline = j.at("baseline").get<std::string>();
    v.description = j.at("description").get<std::string>();
    v.changes = j.at("changes").get<std::string>();
    v.source = j.at("source").get<std::string>();
    v.config = j.at("config");
    const json& style = j.at("style");
    v.style = {style[0].get<int>(), style[1].get<int>(), style[2].get<int>()};
    v.layers = j.at("layers").get<std::vector<std::string>>();
    v.layer_units = j.value("layer_units", std::vector<std::string>{});
    v.landscape_layers = j.value("landscape_layers", std::vector<std::string>{});
    for (const json& seed : j.at("seeds")) v.seeds.push_back(seed_from_json(seed));
    s.variants.push_back(std::move(v));
  }
  return s;
}

bool several_seeds(const CompareSummary& summary) {
  for (const VariantSummary& v : summary.variants)
    if (v.seeds.size() > 1) return true;
  return false;
}

std::string unit_of(const VariantSummary& v, size_t layer) {
  return layer < v.layer_units.size() ? v.layer_units[layer] : "unit";
}

const VariantSummary* baseline_of(const CompareSummary& summary, const VariantSummary& v) {
  if (v.baseline.empty()) return nullptr;
  for (const VariantSummary& other : summary.variants)
    if (other.name == v.baseline && !other.seeds.empty()) return &other;
  return nullptr;
}

Spread steps_spread(const VariantSummary& v, double threshold) {
  std::vector<Bounded> steps;
  for (const SeedResult& s : v.seeds)
    steps.push_back(steps_needed(steps_to_thresholds(s.accuracy, {threshold})[0], s.steps));
  return spread_of(steps);
}

Spread final_accuracy_spread(const VariantSummary& v) {
  std::vector<double> finals;
  for (const SeedResult& s : v.seeds) finals.push_back(s.final_accuracy());
  return spread_of_values(finals);
}

double median_ms_per_step(const VariantSummary& v) {
  std::vector<double> ms;
  for (const SeedResult& s : v.seeds) ms.push_back(s.ms_per_step);
  return percentile(ms, 50);
}

bool any_reached(const VariantSummary& v, double threshold) {
  for (const SeedResult& s : v.seeds)
    if (steps_to_thresholds(s.accuracy, {threshold})[0].reached()) return true;
  return false;
}

std::optional<Spread> speedup_spread(const VariantSummary& base, const VariantSummary& v,
                                     double threshold) {
  std::vector<Bounded> ratios;
  for (const SeedResult& s : v.seeds) {
    const auto pair = std::find_if(base.seeds.begin(), base.seeds.end(),
                                   [&](const SeedResult& b) { return b.seed == s.seed; });
    if (pair == base.seeds.end()) continue;
    const std::optional<Bounded> r =
        speedup(steps_to_thresholds(pair->accuracy, {threshold})[0], pair->steps,
                steps_to_thresholds(s.accuracy, {threshold})[0], s.steps);
    if (r) ratios.push_back(*r);
  }
  if (ratios.empty()) return std::nullopt;
  return spread_of(ratios);
}

std::optional<Spread> drift_spread(const VariantSummary& v, size_t layer) {
  std::vector<double> drifts;
  for (const SeedResult& s : v.seeds)
    if (layer < s.drift.size() && !std::isnan(s.drift[layer])) drifts.push_back(s.drift[layer]);
  if (drifts.empty()) return std::nullopt;
  return spread_of_values(drifts);
}

}  // namespace minima

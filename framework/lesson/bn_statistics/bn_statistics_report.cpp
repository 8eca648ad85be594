#include <minima/lesson/bn_statistics/bn_statistics_report.hpp>

#include <algorithm>
#include <cmath>

#include <minima/lesson/bn_statistics/bn_statistics.hpp>
#include <minima/lesson/training_charts.hpp>

namespace minima::lesson {
namespace {

// The three numbers of a point, by what they measure.
enum class BnQuantity { MeanError, VarError, VarianceShift };

const std::vector<std::optional<double>>& values_of(const BatchNormStatsPoint& p, BnQuantity q) {
  return q == BnQuantity::MeanError  ? p.mean_error
         : q == BnQuantity::VarError ? p.var_error
                                     : p.variance_shift;
}

// Each seed's result where the run had BN layers with running statistics.
std::vector<BatchNormStatsResult> bn_results(const VariantSummary& v) {
  std::vector<BatchNormStatsResult> out;
  for (BatchNormStatsResult& r : results_of<BatchNormStatsResult>(v, "bn_statistics"))
    if (!r.layers.empty() && !r.points.empty()) out.push_back(std::move(r));
  return out;
}

// How far a value is from what it should be: an error from 0, a shift from 1 (as a ratio).
double distance(double value, BnQuantity q) {
  return q == BnQuantity::VarianceShift ? std::abs(std::log(value)) : value;
}

// The layer whose value is farthest from its ideal; NaN when none is measured.
double worst_of(const BatchNormStatsPoint& p, BnQuantity q) {
  double worst = std::nan("");
  for (const std::optional<double>& v : values_of(p, q))
    if (v && (std::isnan(worst) || distance(*v, q) > distance(worst, q))) worst = *v;
  return worst;
}

// Layer `l`'s value at the last point of each seed, over the seeds that have one.
std::optional<Spread> final_spread(const std::vector<BatchNormStatsResult>& runs, size_t l,
                                   BnQuantity q) {
  std::vector<double> finals;
  for (const BatchNormStatsResult& r : runs)
    if (l < r.layers.size())
      if (const std::optional<double>& v = values_of(r.points.back(), q)[l]) finals.push_back(*v);
  if (finals.empty()) return std::nullopt;
  return spread_of_values(finals);
}

// The worst layer's value at the last point, median over seeds, and that layer.
struct WorstLayer {
  double value = std::nan("");
  std::string layer;
};
WorstLayer final_worst(const std::vector<BatchNormStatsResult>& runs, BnQuantity q) {
  WorstLayer worst;
  for (size_t l = 0; l < runs.front().layers.size(); ++l)
    if (const std::optional<Spread> s = final_spread(runs, l, q))
      if (worst.layer.empty() || distance(s->median.value, q) > distance(worst.value, q))
        worst = {s->median.value, runs.front().layers[l]};
  return worst;
}

std::string percent_text(double fraction) { return format_fixed(100 * fraction, 1) + "%"; }
std::string ratio_text(double ratio) { return format_fixed(ratio, 2) + "\u00d7"; }
std::string sigma_text(double fraction) { return format_fixed(fraction, 3) + " \u03c3"; }
std::string spread_text(const std::optional<Spread>& s, BnQuantity q) {
  if (!s) return "\u2014";
  return format_spread(*s, q == BnQuantity::MeanError  ? sigma_text
                           : q == BnQuantity::VarError ? percent_text
                                                       : ratio_text);
}

Chart worst_layer_chart(const CompareSummary& summary, BnQuantity q) {
  static const char* titles[] = {"running mean's error (worst BN layer)",
                                 "running variance's error (worst BN layer)",
                                 "variance shift (BN layer farthest from 1)"};
  static const char* labels[] = {"|running_mean \u2212 \u03bc| / \u03c3",
                                 "|running_var / \u03c3\u00b2 \u2212 1|",
                                 "running_var / eval-mode variance"};
  // Log y: at step 0 the running statistics are the initial 0 and 1, often
  // orders of magnitude off the data's, and a ratio reads best on a log scale.
  Chart chart = training_chart(titles[int(q)], labels[int(q)], true);
  if (q == BnQuantity::VarianceShift) chart.guides.push_back({1.0, "no shift"});
  for (const VariantSummary& v : summary.variants) {
    if (bn_results(v).empty()) continue;
    std::vector<SeedCurve> curves;
    for (const BatchNormStatsResult& r : bn_results(v)) {
      SeedCurve c;
      for (const BatchNormStatsPoint& p : r.points)
        if (const double w = worst_of(p, q); std::isfinite(w) && w > 0) {
          c.x.push_back(double(p.step));
          c.y.push_back(w);
        }
      curves.push_back(std::move(c));
    }
    add_curve(chart, v, curves);
  }
  return chart;
}

}  // namespace

nlohmann::json bn_statistics_aggregate(const VariantSummary& v) {
  const std::vector<BatchNormStatsResult> runs = bn_results(v);
  if (runs.empty()) return nullptr;
  nlohmann::json out = nlohmann::json::object();
  for (size_t l = 0; l < runs.front().layers.size(); ++l)
    out[runs.front().layers[l]] = {
        {"mean_error", final_spread(runs, l, BnQuantity::MeanError)},
        {"var_error", final_spread(runs, l, BnQuantity::VarError)},
        {"variance_shift", final_spread(runs, l, BnQuantity::VarianceShift)}};
  return out;
}

std::vector<ReportTable> bn_statistics_tables(const CompareSummary& summary) {
  TextTable table;
  table.header = {"run", "BN layer", "running mean's error", "running variance's error",
                  "variance shift"};
  for (const VariantSummary& v : summary.variants) {
    const std::vector<BatchNormStatsResult> runs = bn_results(v);
    if (runs.empty()) continue;
    for (size_t l = 0; l < runs.front().layers.size(); ++l)
      table.rows.push_back(
          {{v.name, runs.front().layers[l],
            spread_text(final_spread(runs, l, BnQuantity::MeanError), BnQuantity::MeanError),
            spread_text(final_spread(runs, l, BnQuantity::VarError), BnQuantity::VarError),
            spread_text(final_spread(runs, l, BnQuantity::VarianceShift),
                        BnQuantity::VarianceShift)},
           false});
  }
  if (table.rows.empty()) return {};
  return {
      {"BatchNorm's running statistics at the end of training (median over units" +
           std::string(several_seeds(summary) ? ", then median [min\u2013max] over seeds" : "") +
           "): error of the running mean in units of the input's standard deviation, of the "
           "running variance relative to the input's variance, both against the training "
           "data in train mode; and running variance / the input's variance in eval mode:",
       table, ""}};
}

// Per run with BN: the worst layer's errors, against its baseline's when that
// has BN too; then the variance shift, said to be one only from 10 % off 1.
std::vector<std::string> bn_statistics_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  const std::string over = several_seeds(summary) ? " (medians over seeds)" : "";
  for (const VariantSummary& v : summary.variants) {
    const std::vector<BatchNormStatsResult> runs = bn_results(v);
    if (runs.empty()) continue;
    const WorstLayer var = final_worst(runs, BnQuantity::VarError);
    const WorstLayer mean = final_worst(runs, BnQuantity::MeanError);
    std::string sentence =
        "At the end of '" + v.name + "', BN's running variances are " + percent_text(var.value) +
        " off the data's (" + var.layer + ", median over units) and its running means " +
        format_fixed(mean.value, 3) + " of an input's standard deviation (" + mean.layer + ")";
    const VariantSummary* base = baseline_of(summary, v);
    if (const std::vector<BatchNormStatsResult> base_runs =
            base ? bn_results(*base) : std::vector<BatchNormStatsResult>{};
        !base_runs.empty()) {
      const WorstLayer base_var = final_worst(base_runs, BnQuantity::VarError);
      sentence += "; in '" + base->name + "' " + percent_text(base_var.value) + " and " +
                  format_fixed(final_worst(base_runs, BnQuantity::MeanError).value, 3);
    }
    out.push_back(sentence + over + ".");
    const WorstLayer shift = final_worst(runs, BnQuantity::VarianceShift);
    if (std::abs(std::log(shift.value)) >= std::log(1.1))
      out.push_back("In '" + v.name + "', " + shift.layer +
                    " divides in eval mode by a running variance " + ratio_text(shift.value) +
                    " the variance its input has there: a variance shift (Li et al. 2018)" + over +
                    ".");
    else
      out.push_back("In '" + v.name + "', every BN layer's running variance is within 10% of " +
                    "the variance its input has in eval mode (farthest: " + shift.layer + ", " +
                    ratio_text(shift.value) + ")" + over + ": no variance shift.");
  }
  return out;
}

void bn_statistics_section(HtmlReport& page, const CompareSummary& summary) {
  const std::vector<ReportTable> tables = bn_statistics_tables(summary);
  if (tables.empty()) return;
  page.heading("BatchNorm's running statistics");
  page.paragraph(
      "In eval mode BN normalizes with running_mean and running_var, averages it kept over the "
      "training batches (running = (1 \u2212 momentum) running + momentum \u00b7 batch). How good "
      "they are, per BN layer at every evaluation: against the mean \u03bc and variance "
      "\u03c3\u00b2 of each unit's input over the first training images, the network in train "
      "mode in batches of the run's size (what the averages estimate), the running mean's error "
      "|running_mean \u2212 \u03bc| / \u03c3 and the running variance's |running_var / "
      "\u03c3\u00b2 \u2212 1|, each the median over units; and the variance shift (Li et al. "
      "2018): running_var over the variance the input has in eval mode on the same training images "
      "(dropout off, every BN on its running statistics), 1 when they agree. The charts show the "
      "BN layer farthest from the ideal at each point.");
  std::vector<Chart> charts;
  for (BnQuantity q : {BnQuantity::MeanError, BnQuantity::VarError, BnQuantity::VarianceShift})
    charts.push_back(worst_layer_chart(summary, q));
  page.chart_grid(charts, 1, 900, 520);
  for (const std::string& sentence : bn_statistics_sentences(summary)) page.paragraph(sentence);
  add_tables(page, tables);
}

}  // namespace minima::lesson

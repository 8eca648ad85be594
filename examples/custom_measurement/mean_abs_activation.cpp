// "mean_abs_activation": true in a compare config: per hidden activation
// layer, mean|a| over training (mean_abs_recorder.hpp), as a table, sentences,
// an aggregate in summary.json and a section of report.html. It lives outside
// minima: built as a plugin and loaded with
//   minima --plugin build/libmean_abs_activation.so compare compare_mean_abs.json
// No file of minima names it; the registration line at the end adds it.
#include <minima/config/config_object.hpp>
#include <minima/lesson/training_charts.hpp>
#include "mean_abs_recorder.hpp"

namespace mean_abs_example {
namespace {

using namespace minima;
using namespace minima::lesson;

const std::string kName = "mean_abs_activation";

using LayerSpreads = std::vector<std::pair<std::string, Spread>>;

// Per layer of `v`, its last recorded mean|a| over the seeds.
LayerSpreads final_spreads(const VariantSummary& v) {
  const std::vector<MeanAbsResult> runs = results_of<MeanAbsResult>(v, kName);
  LayerSpreads out;
  for (size_t l = 0; !runs.empty() && l < runs[0].layers.size(); ++l) {
    std::vector<double> finals;
    for (const MeanAbsResult& run : runs)
      if (!run.points.empty()) finals.push_back(run.points.back().values.at(l));
    if (!finals.empty()) out.emplace_back(runs[0].layers[l], spread_of_values(finals));
  }
  return out;
}

const Spread* spread_of_layer(const LayerSpreads& spreads, const std::string& layer) {
  for (const auto& [name, spread] : spreads)
    if (name == layer) return &spread;
  return nullptr;
}

std::string number_text(double value) { return format_fixed(value, 3); }

// run x hidden layer: the last mean|a|, median [min–max] over seeds.
TextTable final_table(const CompareSummary& summary) {
  TextTable table{{"run"}, {}};
  for (const VariantSummary& v : summary.variants)
    for (const auto& [layer, spread] : final_spreads(v))
      if (std::find(table.header.begin(), table.header.end(), layer) == table.header.end())
        table.header.push_back(layer);
  for (const VariantSummary& v : summary.variants) {
    const LayerSpreads finals = final_spreads(v);
    if (finals.empty()) continue;
    TableRow row{{v.name}, false};
    for (size_t c = 1; c < table.header.size(); ++c) {
      const Spread* spread = spread_of_layer(finals, table.header[c]);
      row.cells.push_back(spread ? format_spread(*spread, number_text) : "-");
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

// "Mean |activation| of sigmoid3 at the end: with BN 0.487, without BN
// 0.127; with BN's is 3.84× as large." (`a` and `b`: medians over seeds)
std::string comparison(const std::string& layer, const std::string& a_name, double a,
                       const std::string& b_name, double b) {
  const std::string text = "Mean |activation| of " + layer + " at the end: " + a_name + " " +
                           number_text(a) + ", " + b_name + " " + number_text(b) + "; ";
  if (a == b) return text + "the same.";
  const double larger = std::max(a, b), smaller = std::min(a, b);
  return text + (a > b ? a_name : b_name) + "'s is " +
         (smaller > 0 ? format_fixed(larger / smaller, 2) + "\u00d7 as large."
                      : "larger (the other is 0).");
}

// Per variant and its baseline, per layer both have: which ends larger, by what factor.
std::vector<std::string> comparison_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  for (const VariantSummary& v : summary.variants) {
    const VariantSummary* base = baseline_of(summary, v);
    if (!base) continue;
    const LayerSpreads theirs = final_spreads(*base);
    for (const auto& [layer, mine] : final_spreads(v))
      if (const Spread* other = spread_of_layer(theirs, layer))
        out.push_back(
            comparison(layer, v.name, mine.median.value, base->name, other->median.value) +
            (several_seeds(summary) ? " (Medians over seeds.)" : ""));
  }
  return out;
}

// mean|a| of `layer` over training: a line per variant that has the layer.
Chart layer_chart(const CompareSummary& summary, const std::string& layer) {
  Chart chart = training_chart("mean |activation| of " + layer, "mean |a|");
  const auto points = [](const SeedResult& s) {
    return result_of<MeanAbsResult>(s, kName).value_or(MeanAbsResult{}).points;
  };
  for (const VariantSummary& v : summary.variants) {
    const std::vector<MeanAbsResult> runs = results_of<MeanAbsResult>(v, kName);
    if (runs.empty()) continue;
    const auto at = std::find(runs[0].layers.begin(), runs[0].layers.end(), layer);
    if (at == runs[0].layers.end()) continue;
    const size_t l = size_t(at - runs[0].layers.begin());
    add_curve(chart, v,
              seed_curves(v, points, [l](const MeanAbsPoint& p) { return p.values.at(l); }));
  }
  return chart;
}

class MeanAbsActivation : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    return on_when_true(value, pointer);
  }

  void check(const nlohmann::json&, const Graph& model) const override {
    if (hidden_activations(model).empty())
      throw ConfigError("/" + kName, "the model has no hidden activation layer to measure");
  }

  std::unique_ptr<Recorder> attach(const nlohmann::json&, const RunSetup& run) const override {
    return std::make_unique<MeanAbsRecorder>(run.model);
  }

  // {"relu1": {"median": ..., "min": ..., "max": ...}, ...}: the last mean|a| over seeds.
  nlohmann::json aggregate(const CompareSummary&, const VariantSummary& v) const override {
    nlohmann::json out = nullptr;
    for (const auto& [layer, spread] : final_spreads(v)) out[layer] = spread;
    return out;
  }

  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    const TextTable table = final_table(summary);
    if (table.rows.empty()) return {};
    return {
        {"mean |activation| of each hidden layer at the end (median [min\u2013max] over seeds):",
         table, "mean |a| = (1/M) sum_k |y_k| over the layer's M outputs for a training batch"}};
  }

  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    return comparison_sentences(summary);
  }

  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    const TextTable table = final_table(summary);
    if (table.rows.empty()) return;
    page.heading("Mean |activation| of the hidden layers");
    page.paragraph(
        "For each hidden activation layer, mean |a| = (1/M) \u03a3_k |y_k| over its M "
        "outputs for the batch of the step just trained (every sample and unit), after steps 10, "
        "20, 50, 100, ... and the last. The table gives the last value, median [min\u2013max] "
        "over seeds; the charts draw it over training.");
    for (const std::string& sentence : comparison_sentences(summary)) page.paragraph(sentence);
    page.table(table);
    std::vector<Chart> charts;
    for (size_t c = 1; c < table.header.size(); ++c)
      charts.push_back(layer_chart(summary, table.header[c]));
    page.chart_row(charts);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT(kName, 60, MeanAbsActivation);

}  // namespace mean_abs_example

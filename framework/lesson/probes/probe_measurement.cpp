// "probe": the input of every hidden nonlinearity (or one named layer),
// unit by unit, over a fixed batch of test inputs, at every probe point;
// its drift per layer; the paper's Figure 1(b,c). Always on; the compare
// config's "probe": {"layer", "batch"} chooses what to follow.
#include <cstdio>
#include <filesystem>

#include <minima/config/config_object.hpp>
#include <minima/core/atomic_file.hpp>
#include <minima/data/batcher.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/probes/drift.hpp>
#include <minima/lesson/probes/probe_report.hpp>

namespace minima::lesson {
namespace {

// Every probed unit's percentiles: "step,layer,unit,p15,p50,p85", in step
// order (in a layer after a convolution, the unit is a channel).
std::string probe_csv(const std::vector<ProbeTarget>& probes,
                      const std::vector<LayerTraces>& traces) {
  std::string text = "step,layer,unit,p15,p50,p85\n";
  if (traces.empty() || traces[0].empty()) return text;
  char row[160];
  for (size_t k = 0; k < traces[0][0].size(); ++k)
    for (size_t l = 0; l < traces.size(); ++l)
      for (size_t u = 0; u < traces[l].size(); ++u) {
        const ProbePoint& p = traces[l][u][k];
        std::snprintf(row, sizeof(row), "%lld,%s,%zu,%.6g,%.6g,%.6g\n",
                      static_cast<long long>(p.step), probes[l].name.c_str(), u, p.p15, p.p50,
                      p.p85);
        text += row;
      }
  return text;
}

class ProbeRecorder : public Recorder {
 public:
  ProbeRecorder(const ProbeSettings& settings, const RunSetup& run)
      : targets_(resolve_probes(run.model, settings)),
        x_(first_samples(run.data.eval, run.data.normalization, settings.batch).x),
        csv_path_(run.dir.empty() ? "" : (std::filesystem::path(run.dir) / "probe.csv").string()) {}

  void at_evaluation(const EvalPoint&, Trainer& trainer) override {
    at_probe_point(trainer);
    if (!csv_path_.empty()) write_file_atomically(csv_path_, probe_csv(targets_, traces_));
  }

  void at_probe_point(Trainer& trainer) override {
    if (probed_ == trainer.step()) return;
    probe_units(trainer.model(), x_, targets_, trainer.step(), traces_);
    probed_ = trainer.step();
  }

  nlohmann::json result() const override {
    ProbeResult r;
    r.batch = x_.dim(0);
    for (const ProbeTarget& t : targets_) {
      r.layers.push_back(t.label);
      r.units.push_back(t.unit);
    }
    for (const LayerTraces& layer : traces_) {
      const LayerDrift d = layer_drift(layer);
      r.drift.push_back(std::isnan(d.drift) ? std::nullopt : std::optional<double>(d.drift));
      r.shown.push_back({d.typical_unit, layer[size_t(d.typical_unit)]});
    }
    return r;
  }

 private:
  std::vector<ProbeTarget> targets_;
  Tensor x_;
  std::string csv_path_;  // "" = write none
  std::vector<LayerTraces> traces_;
  int64_t probed_ = -1;  // the last probed step
};

void probe_section(HtmlReport& page, const CompareSummary& summary) {
  const std::vector<size_t> charted = charted_probe_layers(summary);
  if (charted.empty()) return;
  bool channels = false;
  int64_t batch = 0;
  for (const VariantSummary& v : summary.variants)
    for (const ProbeResult& r : probe_results(v)) {
      batch = r.batch;
      for (const std::string& unit : r.units) channels = channels || unit == "channel";
    }
  const size_t seeds = seed_count(summary);
  page.heading("The input of a hidden nonlinearity over training");
  page.paragraph(
      "Ioffe & Szegedy (2015) write, of \u201cthe evolution of input distributions to a "
      "typical sigmoid\u201d in their Figure 1(b, c):");
  page.quote(
      "Batch Normalization makes the distribution more stable and reduces the internal "
      "covariate shift.",
      "Ioffe & Szegedy (2015), the paper's claim, caption of Figure 1");
  for (const std::string& verdict : drift_verdicts(summary)) page.paragraph(verdict);
  page.table(drift_table(summary));
  const bool rows = charted.size() > 1;
  page.paragraph(
      "Each chart: the 15th, 50th and 85th percentiles, over a fixed batch of " +
      std::to_string(batch) + " test inputs (evaluation mode, so probing changes nothing), of " +
      "one unit's " +
      (rows ? "input to a hidden nonlinearity, " : "input to the last hidden nonlinearity, ") +
      "probed at steps 0, 10, 20, 50, 100, 200, 500, ... and at every evaluation. " +
      (rows ? "First row: the last hidden layer after a convolution; second row: the last "
              "hidden layer. "
            : "") +
      (channels ? "After a convolution a unit is a channel: its percentiles are over all "
                  "N\u00b7H\u00b7W values of that channel in the batch (every position of every "
                  "input), as BN over channels sees them (the paper's \u00a73.2). "
                : "") +
      "The unit shown is the layer's typical one: the unit whose drift is the median of its "
      "layer's units, in the first seed's run.");
  for (size_t layer : charted) page.chart_row(probe_charts(summary, layer));
  page.paragraph(
      "The table's numbers: the drift of one unit, with m_k its median and w_k = p85_k \u2212 "
      "p15_k its 15\u201385 width "
      "at probe point k (steps 0, 10, 20, 50, 100, \u2026 and the last step): (\u03a3_k "
      "|m_{k+1} \u2212 m_k| + \u03a3_k |w_{k+1} \u2212 w_k|) / max_k(w_k), how far its median "
      "and width travel in units of the widest its distribution gets. "
      "A layer's drift is the median over its units" +
      (channels ? std::string(" (its channels, for a layer marked so)") : std::string()) +
      (seeds > 1
           ? "; the table gives the median [min\u2013max] over " + std::to_string(seeds) + " seeds"
           : std::string()) +
      ". Hidden k is the input to the k-th hidden nonlinearity (after BN where there is BN).");
}

class Probes : public Measurement {
 public:
  std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                          const std::string& pointer) const override {
    ProbeSettings settings;
    if (value) {
      ConfigObject probe(*value, pointer);
      settings.layer = probe.get<std::string>("layer", "");
      settings.batch = probe.get<int64_t>("batch", settings.batch);
      probe.expect(settings.batch >= 2, "batch", "at least 2 test inputs");
      probe.finish();
    }
    return settings;
  }

  void check(const nlohmann::json& settings, const Graph& model) const override {
    resolve_probes(model, settings.get<ProbeSettings>());
  }

  std::unique_ptr<Recorder> attach(const nlohmann::json& settings,
                                   const RunSetup& run) const override {
    return std::make_unique<ProbeRecorder>(settings.get<ProbeSettings>(), run);
  }

  nlohmann::json aggregate(const CompareSummary&, const VariantSummary& v) const override {
    nlohmann::json drift = nlohmann::json::array();
    const std::vector<ProbeResult> results = probe_results(v);
    for (size_t l = 0; !results.empty() && l < results.front().layers.size(); ++l)
      drift.push_back(drift_spread(v, l));
    return {{"drift", drift}};
  }

  std::vector<ReportTable> tables(const CompareSummary& summary) const override {
    return {{"drift of each hidden layer's input (see the report):", drift_table(summary), ""}};
  }

  std::vector<std::string> sentences(const CompareSummary& summary) const override {
    std::vector<std::string> out = drift_sentences(summary);
    for (std::string& verdict : drift_verdicts(summary)) out.push_back(std::move(verdict));
    return out;
  }

  void page_section(HtmlReport& page, const CompareSummary& summary) const override {
    probe_section(page, summary);
  }
};

}  // namespace

MINIMA_REGISTER_MEASUREMENT("probe", 20, Probes);

}  // namespace minima::lesson

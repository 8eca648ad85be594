#include <minima/lesson/fold/fold_report.hpp>

#include <algorithm>
#include <cstdio>

#include <minima/core/format.hpp>
#include <minima/lesson/fold/fold_result.hpp>

namespace minima::lesson {
namespace {

// The seeds' results where something was folded.
std::vector<FoldResult> folded_runs(const VariantSummary& v) {
  std::vector<FoldResult> out;
  for (FoldResult& r : results_of<FoldResult>(v, "fold_bn"))
    if (!r.folded.empty()) out.push_back(std::move(r));
  return out;
}

// Folding does not depend on a swept value: per setting (the variant's name
// outside a sweep), every run of it, in summary order.
std::vector<std::pair<std::string, std::vector<FoldResult>>> folded_by_setting(
    const CompareSummary& summary) {
  std::vector<std::pair<std::string, std::vector<FoldResult>>> out;
  for (const VariantSummary& v : summary.variants) {
    std::vector<FoldResult> runs = folded_runs(v);
    if (runs.empty()) continue;
    auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == v.setting; });
    if (it == out.end()) it = out.insert(out.end(), {v.setting, {}});
    it->second.insert(it->second.end(), runs.begin(), runs.end());
  }
  return out;
}

std::optional<Spread> logit_spread(const std::vector<FoldResult>& runs) {
  std::vector<double> values;
  for (const FoldResult& r : runs)
    if (r.max_abs_logit_difference) values.push_back(*r.max_abs_logit_difference);
  if (values.empty()) return std::nullopt;
  return spread_of_values(values);
}

// folded - unfolded test accuracy, in points.
Spread accuracy_change_spread(const std::vector<FoldResult>& runs) {
  std::vector<double> values;
  for (const FoldResult& r : runs) values.push_back(100 * (r.folded_accuracy - r.accuracy));
  return spread_of_values(values);
}

Spread changed_spread(const std::vector<FoldResult>& runs) {
  std::vector<double> values;
  for (const FoldResult& r : runs) values.push_back(double(r.changed_predictions));
  return spread_of_values(values);
}

std::string scientific(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1e", v);
  return text;
}
std::string points(double v) {
  const std::string number = format_fixed(v, 2);
  return v > 0 ? "+" + number : number;
}
std::string count(double v) { return format_fixed(v, 0); }

}  // namespace

nlohmann::json fold_aggregate(const VariantSummary& v) {
  const std::vector<FoldResult> runs = folded_runs(v);
  if (runs.empty()) return nullptr;
  return {{"max_abs_logit_difference", logit_spread(runs)},
          {"accuracy_change", accuracy_change_spread(runs)},
          {"changed_predictions", changed_spread(runs)}};
}

std::vector<ReportTable> fold_tables(const CompareSummary& summary) {
  TextTable table;
  table.header = {"run", "folded", "largest |\u0394logit|", "accuracy change (points)",
                  "predictions changed"};
  for (const auto& [setting, runs] : folded_by_setting(summary)) {
    const std::optional<Spread> logits = logit_spread(runs);
    table.rows.push_back({{setting, joined(runs.front().folded),
                           logits ? format_spread(*logits, scientific) : "not finite",
                           format_spread(accuracy_change_spread(runs), points),
                           format_spread(changed_spread(runs), count) + " of " +
                               std::to_string(runs.front().samples)},
                          false});
  }
  if (table.rows.empty()) return {};
  const bool several = table.rows.size() < summary.variants.size() || several_seeds(summary);
  return {{"BatchNorm folded into the layer before it at the end of training, on the test set" +
               std::string(several ? " (median [min\u2013max] over " +
                                         std::string(summary.sweep_key.empty()
                                                         ? "seeds"
                                                         : "seeds and swept values") +
                                         ")"
                                   : "") +
               ":",
           table, ""}};
}

// One sentence per setting with BN folded: whether folding changed what the model predicts.
std::vector<std::string> fold_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  for (const auto& [setting, runs] : folded_by_setting(summary)) {
    const std::optional<Spread> logits = logit_spread(runs);
    const Spread changed = changed_spread(runs);
    const std::string test = std::to_string(runs.front().samples) + " test images";
    std::string sentence =
        "Folding BN in '" + setting + "' changes its logits by at most " +
        (logits ? scientific(logits->median.value) : std::string("a non-finite amount")) +
        " on the " + test +
        (runs.size() > 1 ? " (median over its " + std::to_string(runs.size()) + " runs)" : "");
    sentence += changed.max.value == 0
                    ? " and no prediction: the folded model is the same classifier."
                    : "; " + count(changed.median.value) + " predictions change (test accuracy " +
                          points(accuracy_change_spread(runs).median.value) + " points).";
    out.push_back(sentence);
  }
  return out;
}

void fold_section(HtmlReport& page, const CompareSummary& summary) {
  const std::vector<ReportTable> tables = fold_tables(summary);
  if (tables.empty()) return;
  page.heading("Folding BatchNorm for inference");
  page.paragraph(
      "In eval mode BN is a fixed affine map per unit, so it can be folded into the Dense or "
      "Conv2d before it: W' = s W, b' = s (b \u2212 running_mean) + \u03b2 with s = \u03b3 / "
      "sqrt(running_var + \u03b5) (what `minima export --fold-bn` writes). Both models run on "
      "the test set at the end of training; float rounding is the only difference expected.");
  for (const std::string& sentence : fold_sentences(summary)) page.paragraph(sentence);
  add_tables(page, tables);
}

}  // namespace minima::lesson

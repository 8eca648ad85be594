#include <minima/lesson/update_scales/update_scales_sentences.hpp>

#include <algorithm>

#include <minima/lesson/update_scales/update_scales_summary.hpp>

namespace minima::lesson {
namespace {

// How far from the guide a ratio may sit and still count as near it.
constexpr double kNearGuideFactor = 3;

// "a, b and c"
std::string joined_with_and(const std::vector<std::string>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i)
    text += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return text;
}

// 3.24 -> "3.2×", 15.3 -> "15×"
std::string factor_text(double factor) {
  return format_fixed(factor, factor < 9.95 ? 1 : 0) + "\u00d7";
}

// "fc1.weight 3.2× larger (1.23e-03 against 3.85e-04)", from both medians.
std::string tensor_comparison(const std::string& tensor, const Spread& run, const Spread& base,
                              bool several) {
  const double r = run.median.value, b = base.median.value;
  const bool overlap = run.min.value <= base.max.value && base.min.value <= run.max.value;
  const std::string values = " (" + format_ratio(r) + " against " + format_ratio(b) +
                             (several && overlap ? ", the seeds' ranges overlap)" : ")");
  if (r == b) return tensor + " the same" + values;
  // factor = larger median / smaller median (none when the smaller is 0)
  const double larger = std::max(r, b), smaller = std::min(r, b);
  const std::string factor = smaller > 0 ? factor_text(larger / smaller) + " " : "";
  return tensor + " " + factor + (r > b ? "larger" : "smaller") + values;
}

std::string comparison_sentence(const VariantSummary& v, const VariantSummary& base, bool several) {
  std::vector<std::string> compared;
  for (const std::string& tensor : update_scales_tensors(v)) {
    const auto run = ratio_spread(v, tensor, ScaleRatio::Update);
    const auto baseline = ratio_spread(base, tensor, ScaleRatio::Update);
    if (run && baseline) compared.push_back(tensor_comparison(tensor, *run, *baseline, several));
  }
  if (compared.empty()) return "";
  return v.name + " against " + base.name + ", the update:data ratio (median over training" +
         (several ? ", then over seeds" : "") + "): " + joined_with_and(compared) + ".";
}

// "fc1.weight and fc2.weight below 1e-3 by more than a factor 3 (2.10e-04, 3.50e-04)"
std::string guide_clause(const std::vector<std::string>& tensors,
                         const std::vector<double>& medians, const std::string& where) {
  std::string values;
  for (size_t i = 0; i < medians.size(); ++i) values += (i ? ", " : "") + format_ratio(medians[i]);
  return joined_with_and(tensors) + " " + where + " (" + values + ")";
}

std::string guide_sentence(const VariantSummary& v, bool several) {
  std::vector<std::string> below, near, above;
  std::vector<double> below_values, near_values, above_values;
  for (const std::string& tensor : update_scales_tensors(v)) {
    const auto spread = ratio_spread(v, tensor, ScaleRatio::Update);
    if (!spread) continue;
    const double r = spread->median.value;
    // below: r < guide / 3; above: r > 3 guide; near: in between
    const bool is_below = r < kUpdateRatioGuide / kNearGuideFactor;
    const bool is_above = r > kUpdateRatioGuide * kNearGuideFactor;
    (is_below ? below : is_above ? above : near).push_back(tensor);
    (is_below ? below_values : is_above ? above_values : near_values).push_back(r);
  }
  std::vector<std::string> clauses;
  if (!below.empty())
    clauses.push_back(guide_clause(below, below_values, "below 1e-3 by more than a factor 3") +
                      ": by the rule of thumb, slow to learn");
  if (!near.empty())
    clauses.push_back(guide_clause(near, near_values, "within a factor 3 of 1e-3"));
  if (!above.empty())
    clauses.push_back(guide_clause(above, above_values, "above 1e-3 by more than a factor 3") +
                      ": by the rule of thumb, steps too large");
  if (clauses.empty()) return "";
  std::string text = v.name + ": the update:data ratio (median over training" +
                     (several ? ", then over seeds" : "") + ") of ";
  for (size_t i = 0; i < clauses.size(); ++i) text += (i ? "; of " : "") + clauses[i];
  return text + ".";
}

}  // namespace

std::vector<std::string> update_scales_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  const bool several = several_seeds(summary);
  for (const VariantSummary& v : summary.variants) {
    const VariantSummary* base = baseline_of(summary, v);
    if (base)
      if (std::string s = comparison_sentence(v, *base, several); !s.empty())
        out.push_back(std::move(s));
    if (std::string s = guide_sentence(v, several); !s.empty()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace minima::lesson

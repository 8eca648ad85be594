#include <minima/lesson/landscape/landscape_sentences.hpp>

#include <algorithm>

#include <minima/lesson/landscape/landscape_summary.hpp>
#include <minima/lesson/run_description.hpp>

namespace minima::lesson {
namespace {

std::string spread_text(const Spread& s) { return format_measure(s); }

std::string count_of(int k, size_t n) { return std::to_string(k) + " of " + std::to_string(n); }

// "a, b and c"
std::string listed(const std::vector<std::string>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i)
    text += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return text;
}

std::vector<std::string> ics_sentences(const VariantSummary& bn, const VariantSummary& plain,
                                       std::vector<std::string>& verdicts) {
  std::vector<std::string> out;
  int smaller = 0, closer = 0;
  size_t compared = 0;
  const std::vector<std::string> bn_layers = landscape_layers(bn),
                                 plain_layers = landscape_layers(plain);
  for (size_t l = 0; l < std::min(bn_layers.size(), plain_layers.size()); ++l) {
    if (bn_layers[l] != plain_layers[l]) continue;
    const auto bn_l2 = landscape_spread(bn, ics_l2(l)),
               plain_l2 = landscape_spread(plain, ics_l2(l));
    const auto bn_cos = landscape_spread(bn, ics_cosine(l)),
               plain_cos = landscape_spread(plain, ics_cosine(l));
    if (!bn_l2 || !plain_l2 || !bn_cos || !plain_cos) continue;
    // The first weight layer has nothing below it: its shift is 0 by definition.
    if (bn_l2->max.value == 0 && plain_l2->max.value == 0) continue;
    ++compared;
    smaller += bn_l2->median.value < plain_l2->median.value;
    closer += bn_cos->median.value > plain_cos->median.value;
    out.push_back("ICS of " + bn_layers[l] + ": " + bn.name + " \u21132 " + spread_text(*bn_l2) +
                  ", cosine " + spread_text(*bn_cos) + "; " + plain.name + " \u21132 " +
                  spread_text(*plain_l2) + ", cosine " + spread_text(*plain_cos) + ".");
  }
  if (compared == 0) return out;
  out.push_back("With BN the \u21132 shift is smaller in " + count_of(smaller, compared) +
                " layers and the cosine closer to 1 (the gradient keeps its direction) in " +
                count_of(closer, compared) + ".");
  const bool all = smaller == int(compared) && closer == int(compared);
  const bool none = smaller == 0 && closer == 0;
  const std::string ioffe =
      "Ioffe & Szegedy's claim (the paper's), that BN reduces internal covariate shift, "
      "with the shift measured as Santurkar et al. define it: ";
  verdicts.push_back(ioffe + (all    ? "this run agrees, in every layer by both measures."
                              : none ? "this run does not agree: with BN the shift is larger, in "
                                       "every layer by both measures."
                                     : "this run agrees only in part (the counts above)."));
  const std::string santurkar =
      "Santurkar et al.'s finding (the paper's), that BN does not necessarily reduce internal "
      "covariate shift: ";
  verdicts.push_back(
      santurkar +
      (all ? "not seen here: BN reduces it in every layer by both measures."
           : "this run agrees: BN does not reduce it in every layer by both measures."));
  return out;
}

struct Smoothness {
  const char* name;
  const char* words;
  double (*value)(const LandscapePoint&);
};

std::vector<std::string> smoothness_sentences(const VariantSummary& bn, const VariantSummary& plain,
                                              std::vector<std::string>& verdicts) {
  static const Smoothness measures[] = {
      {"loss range", "Loss range along the gradient (max \u2212 min of L(\u03b8 \u2212 \u03b7g))",
       loss_range},
      {"gradient change",
       "Gradient change along the gradient (max of \u2016g \u2212 \u2207L(\u03b8 \u2212 "
       "\u03b7g)\u2016)",
       grad_change},
      {"\u03b2", "Effective \u03b2-smoothness", beta_smoothness}};
  std::vector<std::string> out, smaller, larger;
  for (const Smoothness& m : measures) {
    const auto b = landscape_spread(bn, m.value), p = landscape_spread(plain, m.value);
    if (!b || !p) return {};
    const double vb = b->median.value, vp = p->median.value;
    const std::string verdict =
        vb < vp ? "smaller with BN" + (vb > 0 ? " (" + format_significant(vp / vb) + "\u00d7)" : "")
        : vb > vp
            ? "larger with BN" + (vp > 0 ? " (" + format_significant(vb / vp) + "\u00d7)" : "")
            : "the same";
    (vb < vp ? smaller : larger).push_back(m.name);
    out.push_back(std::string(m.words) + ": " + bn.name + " " + spread_text(*b) + ", " +
                  plain.name + " " + spread_text(*p) + ": " + verdict + ".");
  }
  const std::string claim =
      "Santurkar et al.'s claim (the paper's), that BN makes the landscape smoother (the loss "
      "changes less and the gradient stays more predictive along the gradient, a smaller "
      "\u03b2): ";
  verdicts.push_back(claim + (larger.empty()    ? "this run agrees on all three measures."
                              : smaller.empty() ? "this run does not agree: with BN all three are "
                                                  "larger or equal."
                                                : "this run agrees on the " + listed(smaller) +
                                                      " but not on the " + listed(larger) + "."));
  return out;
}

}  // namespace

LandscapeSentences landscape_sentences(const CompareSummary& summary) {
  LandscapeSentences out;
  for (const auto& [with_bn, without_bn] : bn_pairs(summary)) {
    const VariantSummary &bn = *with_bn, &plain = *without_bn;
    for (const std::string& s : ics_sentences(bn, plain, out.ics_verdicts)) out.ics.push_back(s);
    for (const std::string& s : smoothness_sentences(bn, plain, out.smoothness_verdicts))
      out.smoothness.push_back(s);
  }
  return out;
}

}  // namespace minima::lesson

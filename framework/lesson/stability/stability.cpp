#include <minima/lesson/stability/stability.hpp>

#include <algorithm>

namespace minima::lesson {

const char* stability_words(Stability s) {
  switch (s) {
    case Stability::Stable:
      return "stable";
    case Stability::Diverged:
      return "diverges";
    case Stability::NeverLearned:
      return "never learns";
    case Stability::Stopped:
      return "stopped";
  }
  return "";
}

std::optional<Stability> stability_of(const SeedResult& s, double min_accuracy) {
  const std::optional<RunEnd> end = result_of<RunEnd>(s, "stability");
  if (!end) return std::nullopt;
  if (end->ended == "diverged") return Stability::Diverged;
  if (end->ended == "stopped") return Stability::Stopped;
  return s.final_accuracy() >= min_accuracy ? Stability::Stable : Stability::NeverLearned;
}

double stability_min_accuracy(const CompareSummary& summary) {
  return summary.measures.at("stability").at("min_accuracy").get<double>() / 100;
}

// Per setting and seed: the swept values in increasing order with their
// verdicts; the largest stable one and the verdict just above it.
std::vector<StableRange> stable_ranges(const CompareSummary& summary, double min_accuracy) {
  std::vector<StableRange> out;
  if (summary.sweep_key.empty()) return out;
  std::vector<std::string> settings;
  for (const VariantSummary& v : summary.variants)
    if (std::find(settings.begin(), settings.end(), v.setting) == settings.end())
      settings.push_back(v.setting);
  for (const std::string& setting : settings) {
    std::vector<int64_t> seeds;
    for (const VariantSummary& v : summary.variants)
      if (v.setting == setting)
        for (const SeedResult& s : v.seeds)
          if (std::find(seeds.begin(), seeds.end(), s.seed) == seeds.end()) seeds.push_back(s.seed);
    for (int64_t seed : seeds) {
      std::vector<std::pair<double, Stability>> verdicts;
      for (const VariantSummary& v : summary.variants)
        if (v.setting == setting && v.sweep_value.is_number())
          for (const SeedResult& s : v.seeds)
            if (s.seed == seed)
              if (const std::optional<Stability> verdict = stability_of(s, min_accuracy))
                verdicts.emplace_back(v.sweep_value.get<double>(), *verdict);
      if (verdicts.empty()) continue;
      std::sort(verdicts.begin(), verdicts.end());
      StableRange range{setting, seed, std::nullopt, std::nullopt, std::nullopt};
      for (size_t k = 0; k < verdicts.size(); ++k)
        if (verdicts[k].second == Stability::Stable) {
          range.largest_stable = verdicts[k].first;
          range.above =
              k + 1 < verdicts.size() ? std::optional(verdicts[k + 1].second) : std::nullopt;
          range.above_value =
              k + 1 < verdicts.size() ? std::optional(verdicts[k + 1].first) : std::nullopt;
        }
      out.push_back(range);
    }
  }
  return out;
}

}  // namespace minima::lesson

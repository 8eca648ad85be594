#include <minima/lesson/stability/stability_report.hpp>

#include <algorithm>
#include <map>

#include <minima/core/format.hpp>
#include <minima/lesson/stability/stability.hpp>

namespace minima::lesson {
namespace {

std::string value_text(double v) {
  std::string s = format_fixed(v, 3);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// "stable 2, diverges 1": how many seeds got each verdict.
std::string verdict_counts(const std::vector<Stability>& verdicts) {
  std::vector<std::string> parts;
  for (Stability s :
       {Stability::Stable, Stability::Diverged, Stability::NeverLearned, Stability::Stopped}) {
    const auto n = std::count(verdicts.begin(), verdicts.end(), s);
    if (n > 0) parts.push_back(std::string(stability_words(s)) + " " + std::to_string(n));
  }
  return parts.empty() ? "\u2014" : joined(parts);
}

std::vector<std::string> settings_of(const std::vector<StableRange>& ranges) {
  std::vector<std::string> out;
  for (const StableRange& r : ranges)
    if (std::find(out.begin(), out.end(), r.setting) == out.end()) out.push_back(r.setting);
  return out;
}

std::vector<StableRange> ranges_of(const std::vector<StableRange>& ranges,
                                   const std::string& setting) {
  std::vector<StableRange> out;
  std::copy_if(ranges.begin(), ranges.end(), std::back_inserter(out),
               [&](const StableRange& r) { return r.setting == setting; });
  return out;
}

// The median [min-max] over the seeds that have a stable value; nullopt when none has.
std::optional<Spread> largest_stable_spread(const std::vector<StableRange>& ranges) {
  std::vector<double> values;
  for (const StableRange& r : ranges)
    if (r.largest_stable) values.push_back(*r.largest_stable);
  if (values.empty()) return std::nullopt;
  return spread_of_values(values);
}

// "diverges (3 of 3 seeds)": what happens just above the largest stable
// value, over the seeds that have a value above it.
std::string above_words(const std::vector<StableRange>& ranges) {
  std::map<std::string, int> counts;
  int known = 0;
  for (const StableRange& r : ranges)
    if (r.above) {
      ++counts[stability_words(*r.above)];
      ++known;
    }
  std::vector<std::string> parts;
  for (const auto& [words, n] : counts)
    parts.push_back(words + " (" + std::to_string(n) + " of " + std::to_string(known) + " seeds)");
  return joined(parts);
}

TextTable verdict_table(const CompareSummary& summary, double min_accuracy) {
  std::vector<double> values;
  for (const VariantSummary& v : summary.variants)
    if (v.sweep_value.is_number() &&
        std::find(values.begin(), values.end(), v.sweep_value.get<double>()) == values.end())
      values.push_back(v.sweep_value.get<double>());
  std::sort(values.begin(), values.end());
  TextTable table;
  table.header = {"run"};
  for (double x : values) table.header.push_back(value_text(x));
  for (const std::string& setting : settings_of(stable_ranges(summary, min_accuracy))) {
    TableRow row{{setting}, false};
    for (double x : values) {
      std::vector<Stability> verdicts;
      for (const VariantSummary& v : summary.variants)
        if (v.setting == setting && v.sweep_value.is_number() && v.sweep_value.get<double>() == x)
          for (const SeedResult& s : v.seeds)
            if (const std::optional<Stability> verdict = stability_of(s, min_accuracy))
              verdicts.push_back(*verdict);
      row.cells.push_back(verdict_counts(verdicts));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace

std::vector<ReportTable> stability_tables(const CompareSummary& summary) {
  const double min_accuracy = stability_min_accuracy(summary);
  const std::vector<StableRange> ranges = stable_ranges(summary, min_accuracy);
  if (ranges.empty()) return {};
  TextTable largest;
  largest.header = {"run", "largest stable " + summary.sweep_key, "just above it"};
  for (const std::string& setting : settings_of(ranges)) {
    const std::vector<StableRange> mine = ranges_of(ranges, setting);
    const std::optional<Spread> spread = largest_stable_spread(mine);
    largest.rows.push_back(
        {{setting, spread ? format_spread(*spread, value_text) : "none", above_words(mine)},
         false});
  }
  const std::string rule =
      "stable: every logged training loss finite and final test accuracy "
      "\u2265 " +
      format_percent(min_accuracy, 0);
  return {{"verdicts per " + summary.sweep_key + " (seeds per verdict; " + rule + "):",
           verdict_table(summary, min_accuracy), ""},
          {"the largest stable " + summary.sweep_key + ", median [min\u2013max] over seeds:",
           largest, ""}};
}

std::vector<std::string> stability_sentences(const CompareSummary& summary) {
  const double min_accuracy = stability_min_accuracy(summary);
  const std::vector<StableRange> ranges = stable_ranges(summary, min_accuracy);
  std::vector<std::string> out;
  const std::vector<std::string> settings = settings_of(ranges);
  std::optional<double> first_median;
  for (const std::string& setting : settings) {
    const std::vector<StableRange> mine = ranges_of(ranges, setting);
    const std::optional<Spread> spread = largest_stable_spread(mine);
    if (!spread) {
      out.push_back("'" + setting + "' trains stably at no " + summary.sweep_key +
                    " of the sweep (final test accuracy \u2265 " + format_percent(min_accuracy, 0) +
                    " with finite losses).");
      continue;
    }
    const auto stable_seeds = std::count_if(
        mine.begin(), mine.end(), [](const StableRange& r) { return bool(r.largest_stable); });
    const std::string seeds =
        mine.size() > 1
            ? " (median over the " + std::to_string(stable_seeds) + " of " +
                  std::to_string(mine.size()) +
                  " seeds with a stable value: " + format_spread(*spread, value_text) + ")"
            : "";
    std::string sentence = "The largest " + summary.sweep_key + " at which '" + setting +
                           "' trains stably is " + value_text(spread->median.value) + seeds;
    const std::string above = above_words(mine);
    sentence += above.empty() ? "; it is the largest value swept" : "; at the next value: " + above;
    if (first_median && setting != settings.front())
      sentence += "; " + format_fixed(spread->median.value / *first_median, 2) +
                  "\u00d7 that of '" + settings.front() + "'";
    if (!first_median && setting == settings.front()) first_median = spread->median.value;
    out.push_back(sentence + ".");
  }
  return out;
}

void stability_section(HtmlReport& page, const CompareSummary& summary) {
  const std::vector<ReportTable> tables = stability_tables(summary);
  if (tables.empty()) return;
  page.heading("The largest stable learning rate");
  page.paragraph(
      "A run is stable when every training loss it logged is finite (the trainer ends a run at "
      "the first one that is not: it diverges) and its test accuracy at the end of its budget is "
      "at least " +
      format_percent(stability_min_accuracy(summary), 0) +
      "; a run that stays finite below that never learns in its budget. Per setting and seed, "
      "the largest swept value with a stable run, and what the run at the next value does.");
  for (const std::string& sentence : stability_sentences(summary)) page.paragraph(sentence);
  add_tables(page, tables);
}

}  // namespace minima::lesson

#include <minima/lesson/train_mode/train_eval_gap.hpp>

#include <algorithm>
#include <cmath>

#include <minima/lesson/run_description.hpp>
#include <minima/lesson/training_charts.hpp>

namespace minima::lesson {
namespace {

// The test accuracy in train mode at the evaluated steps; empty when not measured.
std::vector<AccuracyPoint> train_mode_of(const SeedResult& s) {
  return result_of<std::vector<AccuracyPoint>>(s, "train_mode_accuracy")
      .value_or(std::vector<AccuracyPoint>{});
}

std::string points_text(double fraction) { return format_fixed(100 * fraction, 2); }

// The eval-mode accuracy at `step`, or NaN.
double eval_accuracy_at(const SeedResult& s, int64_t step) {
  for (const AccuracyPoint& p : s.accuracy)
    if (p.step == step) return p.accuracy;
  return std::nan("");
}

bool measured(const VariantSummary& v) {
  return std::any_of(v.seeds.begin(), v.seeds.end(),
                     [](const SeedResult& s) { return !train_mode_of(s).empty(); });
}

}  // namespace

std::optional<Spread> train_mode_final_spread(const VariantSummary& v) {
  std::vector<double> finals;
  for (const SeedResult& s : v.seeds)
    if (const std::vector<AccuracyPoint> train = train_mode_of(s); !train.empty())
      finals.push_back(train.back().accuracy);
  if (finals.empty()) return std::nullopt;
  return spread_of_values(finals);
}

std::optional<Spread> train_eval_gap_spread(const VariantSummary& v) {
  std::vector<double> gaps;
  for (const SeedResult& s : v.seeds)
    if (const std::vector<AccuracyPoint> train = train_mode_of(s); !train.empty()) {
      const AccuracyPoint& last = train.back();
      const double eval = eval_accuracy_at(s, last.step);
      if (!std::isnan(eval)) gaps.push_back(eval - last.accuracy);
    }
  if (gaps.empty()) return std::nullopt;
  return spread_of_values(gaps);
}

TextTable train_eval_table(const CompareSummary& summary) {
  TextTable table;
  table.header = {"run", "eval mode", "train mode", "gap (points)"};
  for (const VariantSummary& v : summary.variants) {
    const auto train = train_mode_final_spread(v);
    const auto gap = train_eval_gap_spread(v);
    if (!train || !gap) continue;
    const auto percent = [](double a) { return format_percent(a, 2); };
    table.rows.push_back({{v.name, format_spread(final_accuracy_spread(v), percent),
                           format_spread(*train, percent), format_spread(*gap, points_text)},
                          false});
  }
  return table;
}

std::vector<std::string> train_eval_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  const VariantSummary *largest = nullptr, *smallest = nullptr;
  double plain_most = -1;
  for (const VariantSummary& v : summary.variants) {
    const auto gap = train_eval_gap_spread(v);
    if (!gap) continue;
    if (!uses_batchnorm(v.config)) {
      plain_most = std::max({plain_most, std::abs(gap->min.value), std::abs(gap->max.value)});
      continue;
    }
    const double g = gap->median.value;
    out.push_back(
        v.name + ": test accuracy " +
        format_spread(final_accuracy_spread(v), [](double a) { return format_percent(a, 2); }) +
        " in eval mode (running statistics), " +
        format_spread(*train_mode_final_spread(v), [](double a) { return format_percent(a, 2); }) +
        " in train mode (each test batch's own statistics): " +
        (g > 0   ? points_text(g) + " points lower in train mode."
         : g < 0 ? points_text(-g) + " points higher in train mode."
                 : "the same."));
    if (!largest || g > train_eval_gap_spread(*largest)->median.value) largest = &v;
    if (!smallest || g < train_eval_gap_spread(*smallest)->median.value) smallest = &v;
  }
  if (largest && largest != smallest)
    out.push_back("With BN the gap is largest for " + largest->name + " (" +
                  points_text(train_eval_gap_spread(*largest)->median.value) +
                  " points) and smallest for " + smallest->name + " (" +
                  points_text(train_eval_gap_spread(*smallest)->median.value) + " points).");
  if (plain_most >= 0)
    out.push_back("Without BN the two modes differ by at most " + points_text(plain_most) +
                  " points (nothing in those networks depends on the batch).");
  return out;
}

Chart train_eval_gap_chart(const CompareSummary& summary) {
  Chart chart = training_chart("Eval-mode minus train-mode test accuracy", "gap (points)");
  // A seed's gap, eval minus train accuracy in points, at the steps both were measured.
  struct GapPoint {
    int64_t step;
    double gap;
  };
  const auto gaps_of = [](const SeedResult& s) {
    std::vector<GapPoint> gaps;
    for (const AccuracyPoint& q : train_mode_of(s))
      if (!std::isnan(eval_accuracy_at(s, q.step)))
        gaps.push_back({q.step, 100 * (eval_accuracy_at(s, q.step) - q.accuracy)});
    return gaps;
  };
  for (const VariantSummary& v : summary.variants)
    if (measured(v) && !train_mode_of(v.seeds[0]).empty())
      add_curve(chart, v, seed_curves(v, gaps_of, [](const GapPoint& p) { return p.gap; }));
  return chart;
}

void train_eval_section(HtmlReport& page, const CompareSummary& summary) {
  if (!std::any_of(summary.variants.begin(), summary.variants.end(), measured)) return;
  page.heading("Train mode and eval mode");
  page.paragraph(
      "In training, BatchNorm normalizes each batch with that batch's own mean and variance; in "
      "evaluation, with the running averages it kept. Here the test set is evaluated both ways, "
      "in train mode on batches of the run's batch size (on a copy of the model, so the run's "
      "running statistics stay as they were). A large gap means the batch statistics are too "
      "noisy to stand for the data." +
      std::string(several_seeds(summary) ? " Median [min\u2013max] over seeds; the chart draws "
                                           "the median with a min\u2013max band, each seed pale."
                                         : ""));
  for (const std::string& sentence : train_eval_sentences(summary)) page.paragraph(sentence);
  page.table(train_eval_table(summary));
  page.chart(train_eval_gap_chart(summary), 900, 400);
}

}  // namespace minima::lesson

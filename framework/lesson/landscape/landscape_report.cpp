#include <minima/lesson/landscape/landscape_report.hpp>

#include <algorithm>

#include <minima/lesson/landscape/landscape_sentences.hpp>
#include <minima/lesson/landscape/landscape_summary.hpp>
#include <minima/lesson/landscape/landscape_tables.hpp>
#include <minima/lesson/training_charts.hpp>

namespace minima::lesson {
namespace {

double median_of(const std::vector<double>& values) { return percentile(values, 50); }

// A variant's line: per measured step the median of `mid` over seeds,
// shaded from the median of `lo` to the median of `hi` (lo = hi = mid: the
// seeds' minimum and maximum); with several seeds each seed's `mid` is a
// faint line under it and the legend says N.
void add_landscape_curve(Chart& chart, const VariantSummary& v, const LandscapeValue& mid,
                         const LandscapeValue& lo = nullptr, const LandscapeValue& hi = nullptr) {
  const std::vector<LandscapeRun> runs = landscape_runs(v);
  if (runs.size() > 1)
    for (size_t k = 0; k < runs.size(); ++k) {
      Series seed{v.name + ", seed " + std::to_string(runs[k].seed), {}, {}, v.style, true};
      for (const LandscapePoint& p : runs[k].result.points) {
        seed.x.push_back(double(p.step));
        seed.y.push_back(mid(p));
      }
      chart.series.push_back(std::move(seed));
    }
  const std::string label =
      !lo ? curve_label(v)
          : v.name + (runs.size() > 1 ? " (median of " + std::to_string(runs.size()) + " seeds)"
                                      : std::string());
  Band band{label, {}, {}, {}, {}, v.style};
  const auto mids = landscape_over_seeds(v, mid);
  const auto los = lo ? landscape_over_seeds(v, lo) : mids;
  const auto his = hi ? landscape_over_seeds(v, hi) : mids;
  for (size_t k = 0; k < mids.size(); ++k) {
    band.x.push_back(double(mids[k].first));
    band.mid.push_back(median_of(mids[k].second));
    band.lo.push_back(lo ? median_of(los[k].second)
                         : *std::min_element(los[k].second.begin(), los[k].second.end()));
    band.hi.push_back(hi ? median_of(his[k].second)
                         : *std::max_element(his[k].second.begin(), his[k].second.end()));
  }
  chart.bands.push_back(std::move(band));
}

std::string seeds_words(const CompareSummary& summary) {
  return several_seeds(summary) ? " Each line is the median over the seeds, shaded from their "
                                  "minimum to their maximum (the loss and gradient change: over "
                                  "\u03b7); each pale line is one seed."
                                : "";
}

// Each claim's verdict in one sentence, then the numbers behind it in a table.
void verdicts_and_table(HtmlReport& page, const std::vector<std::string>& verdicts,
                        const TextTable& numbers) {
  for (const std::string& verdict : verdicts) page.paragraph(verdict);
  page.paragraph("The numbers (each the median over training; median [min\u2013max] over seeds):");
  page.table(numbers);
}

}  // namespace

std::vector<Chart> ics_charts(const CompareSummary& summary) {
  std::vector<Chart> l2_charts, cosine_charts;
  for (const auto& [index, name] : shifted_layers(summary)) {
    Chart l2 =
        training_chart("ICS of " + name + ": \u2016G \u2212 G\u2032\u2016", "\u21132 (log)", true);
    Chart cosine = training_chart("ICS of " + name + ": cos(G, G\u2032)", "cosine", false);
    for (const VariantSummary& v : summary.variants) {
      const std::vector<std::string> layers = landscape_layers(v);
      if (index >= layers.size() || layers[index] != name) continue;
      if (!landscape_spread(v, ics_l2(index))) continue;
      add_landscape_curve(l2, v, ics_l2(index));
      add_landscape_curve(cosine, v, ics_cosine(index));
    }
    l2_charts.push_back(std::move(l2));
    cosine_charts.push_back(std::move(cosine));
  }
  for (Chart& c : cosine_charts) l2_charts.push_back(std::move(c));
  return l2_charts;
}

std::vector<Chart> smoothness_charts(const CompareSummary& summary) {
  Chart loss = training_chart("Loss landscape (4a)", "L(\u03b8 \u2212 \u03b7g) (log)", true);
  Chart change = training_chart("Gradient predictiveness (4b)",
                                "\u2016g \u2212 \u2207L(\u03b8 \u2212 \u03b7g)\u2016 (log)", true);
  Chart beta = training_chart("\u03b2-smoothness (4c)", "\u03b2 (log)", true);
  for (const VariantSummary& v : summary.variants) {
    if (!landscape_spread(v, beta_smoothness)) continue;
    add_landscape_curve(
        loss, v, [](const LandscapePoint& p) { return p.loss; },
        [](const LandscapePoint& p) { return p.along.loss_min; },
        [](const LandscapePoint& p) { return p.along.loss_max; });
    const LandscapeValue low = [](const LandscapePoint& p) { return p.along.grad_change_min; };
    const LandscapeValue mid = [](const LandscapePoint& p) {
      return 0.5 * (p.along.grad_change_min + p.along.grad_change_max);
    };
    add_landscape_curve(change, v, mid, low, grad_change);
    add_landscape_curve(beta, v, beta_smoothness);
  }
  return {loss, change, beta};
}

void landscape_sections(HtmlReport& page, const CompareSummary& summary) {
  if (!has_landscape(summary)) return;
  const LandscapeSentences found = landscape_sentences(summary);
  const std::string seeds = seeds_words(summary);

  page.heading("Internal covariate shift, measured");
  page.quote(
      "We refer to this phenomenon as internal covariate shift, and address the problem by "
      "normalizing layer inputs.",
      "Ioffe & Szegedy (2015), the paper's claim, abstract");
  page.quote(
      "We demonstrate that such distributional stability of layer inputs has little to do "
      "with the success of BatchNorm.",
      "Santurkar, Tsipras, Ilyas & M\u0105dry (2018), the paper's finding, abstract");
  page.paragraph(
      "ICS as Santurkar et al. define it (their Definition 2.1): at a step, G is the gradient of "
      "a layer's weights and G\u2032 the same gradient after every layer below it has taken its "
      "plain SGD step (the run's learning rate, the same batch). \u2016G \u2212 G\u2032\u2016 = 0 "
      "and cos(G, G\u2032) = 1 mean no shift. Measured on a copy of the model and a fixed batch "
      "of training samples, in training mode; the run itself is not touched." +
      seeds);
  verdicts_and_table(page, found.ics_verdicts, ics_table(summary));
  page.chart_grid(ics_charts(summary), 3);

  page.heading("The loss landscape along the gradient");
  page.quote(
      "It makes the optimization landscape significantly smoother. This smoothness induces "
      "a more predictive and stable behavior of the gradients, allowing for faster "
      "training.",
      "Santurkar, Tsipras, Ilyas & M\u0105dry (2018), the paper's claim, abstract");
  page.paragraph(
      "At each measured step, with g the gradient on the fixed batch, the loss and the gradient "
      "at \u03b8 \u2212 \u03b7g for every step size \u03b7 of the list. Left: the loss, shaded "
      "over \u03b7 (the line is the loss at \u03b8). Middle: how much the gradient changes, "
      "\u2016g \u2212 \u2207L(\u03b8 \u2212 \u03b7g)\u2016, shaded over \u03b7. Right: effective "
      "\u03b2-smoothness, the largest change per distance moved, max over \u03b7 of \u2016g "
      "\u2212 \u2207L(\u03b8 \u2212 \u03b7g)\u2016 / \u2016\u03b7g\u2016. (4a\u2013c: "
      "the panels of Santurkar et al.'s Figure 4.)" +
      seeds);
  verdicts_and_table(page, found.smoothness_verdicts, smoothness_table(summary));
  page.chart_grid(smoothness_charts(summary), 3, 320, 300);
  if (const auto overhead = measure_overhead(summary))
    page.paragraph("Measuring took " + format_percent(*overhead, 0) +
                   " on top of the runs' own wall time (summed over the runs that measured).");
}

}  // namespace minima::lesson

#include <minima/lesson/update_scales/update_scales_report.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include <minima/lesson/update_scales/update_scales_sentences.hpp>

namespace minima::lesson {
namespace {

struct RatioWords {
  const char* title;    // "update:data ratio"
  const char* formula;  // "std(\u0394W) / std(W)"
};
RatioWords words_of(ScaleRatio ratio) {
  return ratio == ScaleRatio::Update ? RatioWords{"update:data ratio", "std(\u0394W) / std(W)"}
                                     : RatioWords{"gradient:data ratio", "std(\u2207W) / std(W)"};
}

// The chart of `ratio` over training for run `v`: a line per tensor, the
// median over seeds with a band from their minimum to their maximum and
// each seed pale.
Chart ratio_chart(const VariantSummary& v, ScaleRatio ratio,
                  const std::vector<std::string>& tensors) {
  Chart chart;
  chart.title = v.name + ": " + words_of(ratio).title;
  chart.x_label = "training step (logarithmic)";
  chart.x_scale = Scale::Steps;
  chart.y_label = words_of(ratio).formula;
  chart.log_y = true;
  if (ratio == ScaleRatio::Update) chart.guides.push_back({kUpdateRatioGuide, "1e-3"});
  for (size_t t = 0; t < tensors.size(); ++t)
    add_curve(chart, tensors[t], LineStyle::numbered(int(t)), ratio_curves(v, tensors[t], ratio));
  return chart;
}

// Gives `charts` one y range: from the decade at or below their smallest
// positive value to the decade at or above their largest (guides included).
void share_log_range(std::vector<Chart*> charts) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  const auto cover = [&](double y) {
    if (!(y > 0) || !std::isfinite(y)) return;
    lo = std::min(lo, y);
    hi = std::max(hi, y);
  };
  for (const Chart* c : charts) {
    for (const Series& s : c->series) std::for_each(s.y.begin(), s.y.end(), cover);
    for (const Band& b : c->bands) {
      std::for_each(b.lo.begin(), b.lo.end(), cover);
      std::for_each(b.hi.begin(), b.hi.end(), cover);
    }
    for (const Guide& g : c->guides) cover(g.value);
  }
  if (!(hi > 0)) return;
  for (Chart* c : charts) {
    c->y_min = std::pow(10.0, std::floor(std::log10(lo)));
    c->y_max = std::pow(10.0, std::ceil(std::log10(hi)));
  }
}

// `text` with the minus of each number's exponent written as U+2212
// ("1.23e\u221203"): a browser may wrap a line after "-", splitting the
// number, but not after the minus sign.
std::string with_unbroken_exponents(std::string text) {
  const auto digit = [&](size_t k) {
    return k < text.size() && std::isdigit((unsigned char)text[k]);
  };
  for (size_t at = text.find("e-"); at != std::string::npos; at = text.find("e-", at + 1))
    if (at > 0 && digit(at - 1) && digit(at + 2)) text.replace(at + 1, 1, "\u2212");
  return text;
}

TextTable with_unbroken_exponents(TextTable table) {
  for (TableRow& row : table.rows)
    for (std::string& cell : row.cells) cell = with_unbroken_exponents(cell);
  return table;
}

}  // namespace

TextTable update_scales_table(const CompareSummary& summary, ScaleRatio ratio) {
  const std::vector<std::string> tensors = update_scales_tensors(summary);
  TextTable table;
  table.header.push_back("run");
  table.header.insert(table.header.end(), tensors.begin(), tensors.end());
  for (const VariantSummary& v : summary.variants) {
    if (update_scales_runs(v).empty()) continue;
    TableRow row{{v.name}, false};
    for (const std::string& tensor : tensors)
      row.cells.push_back(format_ratio_spread(ratio_spread(v, tensor, ratio)));
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::vector<ReportTable> update_scales_tables(const CompareSummary& summary) {
  if (!has_update_scales(summary)) return {};
  const std::string over = several_seeds(summary) ? "median over training, then median "
                                                    "[min\u2013max] over seeds"
                                                  : "median over training";
  const std::optional<double> overhead = update_scales_overhead(summary);
  return {{"update:data ratio std(\u0394W) / std(W) per weight tensor, " + over +
               " (rule of thumb: about 1e-3):",
           update_scales_table(summary, ScaleRatio::Update), ""},
          {"gradient:data ratio std(\u2207W) / std(W) per weight tensor, " + over + ":",
           update_scales_table(summary, ScaleRatio::Gradient),
           overhead ? "recording them took " + format_percent(*overhead, 2) +
                          " on top of the runs' own wall time"
                    : ""}};
}

std::vector<Chart> update_scales_charts(const CompareSummary& summary) {
  const std::vector<std::string> tensors = update_scales_tensors(summary);
  std::vector<Chart> out;
  for (const VariantSummary& v : summary.variants) {
    if (update_scales_runs(v).empty()) continue;
    out.push_back(ratio_chart(v, ScaleRatio::Update, tensors));
    out.push_back(ratio_chart(v, ScaleRatio::Gradient, tensors));
  }
  std::vector<Chart*> update, gradient;
  for (size_t k = 0; k < out.size(); ++k) (k % 2 == 0 ? update : gradient).push_back(&out[k]);
  share_log_range(update);
  share_log_range(gradient);
  return out;
}

void update_scales_section(HtmlReport& page, const CompareSummary& summary) {
  if (!has_update_scales(summary)) return;
  page.heading("Gradient and update scales");
  page.paragraph(
      "Per weight tensor W (each Dense matrix and convolution filter bank; not BatchNorm's scale), "
      "after a training step: the update:data ratio std(\u0394W) / std(W), with \u0394W = W after "
      "the step \u2212 W before it, the change the optimizer actually made; and the gradient:data "
      "ratio std(\u2207W) / std(W), with \u2207W the gradient of that step. std is the standard "
      "deviation over the tensor's elements (population: divided by their count), W the weights "
      "after the step. With plain SGD (no momentum, no weight decay) \u0394W = \u2212lr \u00b7 "
      "\u2207W, so the first is the learning rate times the second; with momentum or Adam it is "
      "not. Recorded at steps 10, 20, 50, 100, \u2026, at every evaluation and at the last step. "
      "The rule of thumb comes from Andrej Karpathy's \u201cBuilding makemore Part 3: "
      "Activations & Gradients, BatchNorm\u201d: an update:data ratio around 1e-3 (the grey "
      "dashed line) is a healthy pace; far below it a layer learns slowly, far above it its "
      "steps are too large. A guide for reading the charts, not a law." +
      std::string(several_seeds(summary) ? " Lines: the median over seeds, shaded from their "
                                           "minimum to their maximum."
                                         : ""));
  page.chart_grid(update_scales_charts(summary), 2, 460, 320);
  for (const std::string& sentence : update_scales_sentences(summary))
    page.paragraph(with_unbroken_exponents(sentence));
  for (const ReportTable& t : update_scales_tables(summary)) {
    page.paragraph(with_unbroken_exponents(t.caption));
    page.table(with_unbroken_exponents(t.table));
    if (!t.footnote.empty()) page.paragraph(t.footnote);
  }
}

}  // namespace minima::lesson

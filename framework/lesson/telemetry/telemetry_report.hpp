#pragma once
// What the "telemetry" measurement shows (telemetry.hpp): per hidden layer
// the mean, the standard deviation and the saturated (or dead) share of its
// activations over training, each variant's median over seeds with a
// min–max band and every seed as a faint line; a histogram-over-time heat
// map per variant and layer (the first seed's, the others' on request); a
// table and sentences made from the numbers.
#include <optional>
#include <string>
#include <vector>

#include <minima/lesson/summary.hpp>
#include <minima/lesson/telemetry/telemetry.hpp>
#include <minima/report/chart.hpp>
#include <minima/report/html_report.hpp>
#include <minima/report/text_table.hpp>

namespace minima::lesson {

// The telemetry seed `s` recorded; empty when it recorded none.
std::vector<LayerTelemetry> telemetry_of(const SeedResult& s);

// Per hidden layer three charts: mean, standard deviation, saturated share (%).
std::vector<Chart> telemetry_charts(const CompareSummary& summary);
// Per hidden layer, per variant (variants side by side): the share of
// activations in each histogram bin (y) at each recorded step (x), in the
// run of each variant's seed number `seed_index` (0: the first).
std::vector<Chart> telemetry_heatmaps(const CompareSummary& summary, size_t seed_index = 0);

// Over the seeds of `v` that recorded layer `layer`: the median over the
// recorded steps of its outputs' standard deviation (how wide the band its
// outputs sit in, for most of training), and the largest saturated share at
// any recorded step. nullopt without.
std::optional<Spread> typical_std_spread(const VariantSummary& v, size_t layer);
std::optional<Spread> most_saturated_spread(const VariantSummary& v, size_t layer);

// Columns: run, then per hidden layer its median std over training and its
// largest saturated share; median [min–max] over seeds.
TextTable telemetry_table(const CompareSummary& summary);
// Per variant and its baseline (not in a sweep), per hidden layer: whose
// outputs end more spread out, and by what factor; then the largest
// saturated share any run recorded, and where.
std::vector<std::string> telemetry_sentences(const CompareSummary& summary);

// Nothing when no run recorded telemetry.
void telemetry_section(HtmlReport& page, const CompareSummary& summary);

}  // namespace minima::lesson

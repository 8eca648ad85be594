#pragma once
// The sentences that state how fast the runs converge, on the page and on
// the terminal, made from the measured numbers only, so that they cannot
// contradict the charts: per variant and its baseline, which reaches each
// threshold first and by how much, and which ends higher. Numbers are
// median [min–max] over the seeds. (A sweep has its own: sweep/.)
#include <string>
#include <vector>

#include <minima/lesson/summary.hpp>

namespace minima::lesson {

// Outside a sweep, per variant with a baseline that has results: one
// sentence per threshold, then one on final accuracy.
std::vector<std::string> threshold_sentences(const CompareSummary& summary);

// Which of a pair is faster by the median speed-up (baseline steps / variant
// steps): a bound decides only when it points away from 1 (≥1.5 is faster,
// ≥0.8 is not known).
enum class Faster { Variant, Baseline, Same, Unknown };
Faster faster_of(const Spread& speedup);

std::string percent_label(double threshold);               // 0.97 -> "97%"
std::string final_accuracy_text(const VariantSummary& v);  // "97.12% [96.80%–97.40%]"

}  // namespace minima::lesson

#pragma once
// The sentences on the update:data ratio, made from the measured numbers
// only: each weight tensor's median over training, median over seeds.
#include <string>
#include <vector>

#include <minima/lesson/summary.hpp>

namespace minima::lesson {

// Per run with a baseline: for every tensor both record, which of the two
// has the larger ratio and by what factor (and, over several seeds, whether
// their ranges overlap). Per run: its tensors below 1e-3 by more than a
// factor 3, within a factor 3 of it, and above it by more than a factor 3.
std::vector<std::string> update_scales_sentences(const CompareSummary& summary);

}  // namespace minima::lesson

#pragma once
// The sentences of a sweep, made from the measured numbers only: where the
// runs stall, and per variant the swept values at which it ends higher or
// lower than its baseline and reaches 97% (sweep_threshold) in fewer or
// more steps. Numbers are median [min–max] over the seeds.
#include <string>
#include <vector>

#include <minima/lesson/summary.hpp>

namespace minima::lesson {

// Empty outside a sweep.
std::vector<std::string> sweep_sentences(const CompareSummary& summary);

}  // namespace minima::lesson

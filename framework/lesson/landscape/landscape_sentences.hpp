#pragma once
// The sentences on internal covariate shift and the loss landscape, made
// from the measured numbers only (median over training per run, then median
// [min–max] over seeds), next to what each paper claims: Ioffe & Szegedy
// (2015), BN reduces internal covariate shift; Santurkar et al. (2018), BN
// need not reduce it but makes the landscape smoother. For each variant
// with a baseline where exactly one of the two uses BatchNorm.
#include <string>
#include <vector>

#include <minima/lesson/summary.hpp>

namespace minima::lesson {

struct LandscapeSentences {
  // Per weight layer with layers below it: both variants' l2 and cosine;
  // then how many layers show a smaller shift with BN.
  std::vector<std::string> ics;
  // Whether that agrees with each paper's claim, one sentence each.
  std::vector<std::string> ics_verdicts;
  // Loss range, gradient change and beta along the gradient.
  std::vector<std::string> smoothness;
  // Whether that agrees with Santurkar et al.'s claim.
  std::vector<std::string> smoothness_verdicts;
};
LandscapeSentences landscape_sentences(const CompareSummary& summary);

}  // namespace minima::lesson

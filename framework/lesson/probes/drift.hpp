#pragma once
// How much the distribution of a hidden layer's inputs moves over training:
// the number behind "the distribution drifts" of the paper's Figure 1(b,c).
#include <cstdint>

#include <minima/lesson/probes/probes.hpp>

namespace minima::lesson {

// The drift of one unit over its points k on the log-spaced probe schedule
// (steps 0, 10, 20, 50, 100, ..., and the trace's last step; the points of
// the evaluations in between are left out, so the drift does not grow with
// how often a run evaluates), with m_k its median and w_k = p85_k - p15_k
// its 15-85 width:
//   drift = (sum_k |m_{k+1} - m_k| + sum_k |w_{k+1} - w_k|) / max_k w_k
// the total movement of the median and of the width, in units of the widest
// the unit's distribution gets. 0 when the unit never moves; NaN when its
// width stays 0 (a unit whose values over the batch are all equal has no
// scale).
double unit_drift(const UnitTrace& trace);

struct LayerDrift {
  double drift = 0;          // the median of unit_drift over the layer's units (NaN ones left out)
  int64_t typical_unit = 0;  // the unit whose drift is at the median rank (lower middle)
};
// NaN drift when no unit has a scale.
LayerDrift layer_drift(const LayerTraces& traces);

}  // namespace minima::lesson

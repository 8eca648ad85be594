#include <doctest/doctest.h>

#include <cmath>

#include <minima/lesson/probes/drift.hpp>

using namespace minima;
using namespace minima::lesson;

TEST_CASE("unit_drift: movement of the median and the 15-85 width over the widest width") {
  // m = 0, 1, 3 (moves 1 + 2); w = 2, 3, 4 (moves 1 + 1); widest 4.
  const UnitTrace moving = {{0, -1, 0, 1}, {10, 0, 1, 3}, {20, 0, 3, 4}};
  CHECK(unit_drift(moving) == doctest::Approx(5.0 / 4.0));
  // The same shape at twice the scale drifts as much: the drift has no unit.
  UnitTrace scaled = moving;
  for (ProbePoint& p : scaled) p = {p.step, 2 * p.p15, 2 * p.p50, 2 * p.p85};
  CHECK(unit_drift(scaled) == doctest::Approx(5.0 / 4.0));
  const UnitTrace still = {{0, -1, 0, 1}, {10, -1, 0, 1}};
  CHECK(unit_drift(still) == 0);
  CHECK(std::isnan(unit_drift({{0, 2, 2, 2}, {10, 2, 2, 2}})));  // no width: no scale
  CHECK(std::isnan(unit_drift({})));
}

TEST_CASE("unit_drift counts only the log-spaced probe steps and the last one") {
  // Evaluations at 300, 400, 600 and 700 jitter the median by 1; on the log
  // schedule (0, 10, 200, 500, 1000) and the last step, 800, it moves 0 -> 2.
  const UnitTrace trace = {{0, -1, 0, 1},  {10, -1, 0, 1},  {200, 0, 1, 2},
                           {300, 1, 2, 3}, {400, -1, 0, 1}, {500, 1, 2, 3},
                           {600, 0, 1, 2}, {700, 2, 3, 4},  {800, 1, 2, 3}};
  // m on the schedule: 0, 0, 1, 2, 2 (moves 2); w is 2 throughout; widest 2.
  CHECK(unit_drift(trace) == doctest::Approx(1.0));
  // So the drift of a run does not depend on how often it was evaluated.
  UnitTrace sparse;
  for (const ProbePoint& p : trace)
    if (p.step != 300 && p.step != 400 && p.step != 600 && p.step != 700) sparse.push_back(p);
  CHECK(unit_drift(sparse) == unit_drift(trace));
}

TEST_CASE("layer_drift: the median over units with a scale, and the unit at that median") {
  const UnitTrace still = {{0, -1, 0, 1}, {10, -1, 0, 1}};  // drift 0
  const UnitTrace some = {{0, -1, 0, 1}, {10, -1, 1, 1}};
  const UnitTrace flat = {{0, 3, 3, 3}, {10, 3, 3, 3}};                    // NaN, left out
  const UnitTrace lots = {{0, -1, 0, 1}, {10, -1, 4, 5}, {20, -1, 0, 1}};  // far
  const LayerDrift d = layer_drift({lots, flat, still, some});
  // Drifts: lots (8 + 8) / 6, still 0, some (1 + 0) / 2 = 0.5 -> median 0.5, unit 3.
  CHECK(d.drift == doctest::Approx(0.5));
  CHECK(d.typical_unit == 3);
  CHECK(std::isnan(layer_drift({flat}).drift));
}

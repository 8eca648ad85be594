#pragma once
// The sum of value(j) over j = first .. first + count - 1, at vector speed
// and close to a sum in double: 8 float lanes, each adding at most 16
// values of a block of 128 (16 float terms lose at most ~16 ulps), the
// lanes added in order into double block by block. The order is fixed, so
// the bits are the same on every call, whatever thread makes it.
#include <algorithm>
#include <cstdint>

namespace minima {

template <class Value>
double lane_sum(const Value& value, int64_t first, int64_t count) {
  constexpr int64_t kLanes = 8, kBlock = kLanes * 16;
  const int64_t last = first + count;
  double total = 0.0;
  for (int64_t block = first; block < last; block += kBlock) {
    const int64_t end = std::min(last, block + kBlock);
    float lane[kLanes] = {};
    int64_t j = block;
    for (; j + kLanes <= end; j += kLanes)
      for (int64_t l = 0; l < kLanes; ++l) lane[l] += value(j + l);
    for (int64_t l = 0; j < end; ++j, ++l) lane[l] += value(j);
    for (const float sum : lane) total += sum;
  }
  return total;
}

}  // namespace minima

#pragma once
// Sums over a batch, channel by channel, that give the same bits on any
// thread count and in any process, at vector speed: BatchNorm's statistics
// and gradient sums, conv2d's bias gradient. Also the traversal that
// writes one value per element channel by channel, a mean held as a float
// and its rounding remainder, and the sums over the processes of a
// data-parallel run.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <minima/core/parallel.hpp>

namespace minima {

// The sum of value(j) over j = first .. first + count - 1, at vector speed
// and close to a sum in double: 8 float lanes, each adding at most 16
// values of a block of 128 (16 float terms lose at most ~16 ulps), the
// lanes added in order into double block by block. The order is fixed, so
// the bits are the same on every call, whatever thread makes it.
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

// A batch seen channel by channel: n samples of C channels of S values,
// x[i, c, s] at data[(i C + c) S + s]. Feature vectors [N, D] have C = D,
// S = 1; images [N, C, H, W] have S = H W. A channel has m = N S values.
struct ChannelLayout {
  int64_t n, channels, spatial;
  int64_t per_channel() const { return n * spatial; }  // m
};

// The loops below take at(c), which returns the function of the flat index
// j for channel c, its per-channel constants hoisted out of the loop over j.
// Each reads every value in two passes or more (forward and backward do).
inline constexpr int64_t kChannelPasses = 2;

// sums[t][c] = the sum over channel c's values j of at(c)(j)[t], for
// Terms sums side by side. The terms are added in float in short runs,
// then the runs in a fixed order in double: the same bits for any thread
// count and any thread taking any chunk of parallel_for. Owns the partial
// sums, sized once per batch size (no allocation in a steady step).
class ChannelSums {
 public:
  template <size_t Terms, class At>
  void operator()(const ChannelLayout& b, const std::array<double*, Terms>& sums, const At& at) {
    if (b.spatial == 1) return column_sums<Terms>(b, sums, at);
    plane_sums<Terms>(b, sums, at);
  }

 private:
  // Feature vectors (S = 1), the columns of an [m, d] matrix: each block of
  // 16 rows (whole rows of parallel_for's aligned chunks) adds its rows in
  // float into a slot of its own, then the blocks are added in order in
  // double.
  template <size_t Terms, class At>
  void column_sums(const ChannelLayout& b, const std::array<double*, Terms>& sums, const At& at);
  // Images (S > 1): each (sample, channel) plane is summed by one thread
  // (lane_sum, term by term while the plane is in cache), then the planes
  // are added in sample order in double.
  template <size_t Terms, class At>
  void plane_sums(const ChannelLayout& b, const std::array<double*, Terms>& sums, const At& at);
  // The fixed-order double sums of the partials, term by term.
  void add_row_blocks(const ChannelLayout& b, std::span<double* const> sums) const;
  void add_planes(const ChannelLayout& b, std::span<double* const> sums) const;

  static constexpr int64_t kRowsPerBlock = kChunkAlign;
  std::vector<float> row_blocks_;  // feature vectors: per block of rows, float sums [Terms, D]
  std::vector<double> planes_;     // images: per (sample, channel) plane, [Terms] double sums
};

template <size_t Terms, class At>
void ChannelSums::column_sums(const ChannelLayout& b, const std::array<double*, Terms>& sums,
                              const At& at) {
  const int64_t m = b.n, d = b.channels;
  const int64_t blocks = (m + kRowsPerBlock - 1) / kRowsPerBlock, width = int64_t(Terms) * d;
  if (row_blocks_.size() < size_t(blocks * width)) row_blocks_.resize(size_t(blocks * width));
  float* base = row_blocks_.data();
  parallel_for(m, std::max(kRowsPerBlock, grain_for(kChannelPasses * d)),
               [=, &at](int64_t begin, int64_t end) {
                 for (int64_t first = begin; first < end; first += kRowsPerBlock) {
                   float* acc = base + first / kRowsPerBlock * width;
                   std::fill(acc, acc + width, 0.0f);
                   for (int64_t i = first; i < std::min(end, first + kRowsPerBlock); ++i)
                     for (int64_t k = 0; k < d; ++k) {
                       const std::array<float, Terms> term = at(k)(i * d + k);
                       for (size_t t = 0; t < Terms; ++t) acc[int64_t(t) * d + k] += term[t];
                     }
                 }
               });
  add_row_blocks(b, sums);
}

template <size_t Terms, class At>
void ChannelSums::plane_sums(const ChannelLayout& b, const std::array<double*, Terms>& sums,
                             const At& at) {
  const int64_t c_count = b.channels, s_count = b.spatial, planes = b.n * c_count;
  if (planes_.size() < size_t(planes) * Terms) planes_.resize(size_t(planes) * Terms);
  double* base = planes_.data();
  parallel_for(planes, grain_for(kChannelPasses * s_count), [=, &at](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const auto term = at(p % c_count);
      double* plane = base + p * int64_t(Terms);
      // Each t a constant, so that term(j)[t] compiles to that term alone.
      [&]<size_t... t>(std::index_sequence<t...>) {
        ((plane[t] = lane_sum([&](int64_t j) { return term(j)[t]; }, p * s_count, s_count)), ...);
      }
      (std::make_index_sequence<Terms>());
    }
  });
  add_planes(b, sums);
}

// out[j] = at(c)(j) for every value j of the batch, c its channel: by rows
// of features, or by planes with the inner loop over a plane's values.
template <class At>
void map_channels(const ChannelLayout& b, float* out, const At& at) {
  const int64_t c_count = b.channels, s_count = b.spatial;
  if (s_count == 1) {
    parallel_for(b.n, grain_for(kChannelPasses * c_count), [=, &at](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i)
        for (int64_t k = 0; k < c_count; ++k) out[i * c_count + k] = at(k)(i * c_count + k);
    });
    return;
  }
  parallel_for(b.n * c_count, grain_for(kChannelPasses * s_count),
               [=, &at](int64_t begin, int64_t end) {
                 for (int64_t p = begin; p < end; ++p) {
                   const auto value = at(p % c_count);
                   for (int64_t j = p * s_count; j < (p + 1) * s_count; ++j) out[j] = value(j);
                 }
               });
}

// Per-channel means held as a float plus the remainder its rounding
// dropped, so that x - mean is exact in float when x is near the mean
// (inputs like 1000 + 0.01 noise keep their digits).
struct SplitMean {
  const float* value;  // [C] float(mean)
  const float* rest;   // [C] mean - float(mean)
  struct Channel {
    float value, rest;
    float centered(float x) const { return (x - value) - rest; }  // x - mean
  };
  Channel operator[](int64_t c) const { return {value[c], rest[c]}; }
};

// Per-channel sums over the processes of a data-parallel run (PyTorch's
// SyncBatchNorm), one all-reduce a call, or over this process alone when
// off. Owns the buffer the values travel in; the all-reduce itself is
// platform/process_sums.hpp's (core holds no process code).
class CrossProcessSums {
 public:
  explicit CrossProcessSums(int64_t channels);  // room for [2 channels + 1] values
  virtual ~CrossProcessSums() = default;
  void set_over_processes(bool on) { on_ = on; }
  bool over_processes() const { return on_; }
  // When on: sums[k] = the sum over processes of sums[k], and returns the
  // sum of `count`; when off, returns `count` and leaves sums alone.
  double sum(std::span<double> sums, double count);
  void sum(std::span<double> sums);

 protected:
  virtual void all_reduce(std::span<double> values) = 0;  // values[k] = sum over processes

 private:
  bool on_ = false;
  std::vector<double> buffer_;  // sums and count, side by side for one all-reduce
};

// Per-channel means of x into mean[C], accurate for inputs far from zero:
// the sums are of x - x_0 (x_0 the channel's first value, sample 0's first
// position), which float holds exactly for inputs near each other
// (Sterbenz), so x = 1000 + 0.01 * noise keeps its digits. Over all
// processes when `processes` is on (each adds sum x = m x_0 + sum (x - x_0)
// of its own m values). Returns the count of values per channel.
double channel_means(const ChannelLayout& b, const float* x, ChannelSums& sums,
                     CrossProcessSums& processes, std::span<double> mean);
// value[c] = float(mean[c]), rest[c] = float(mean[c] - value[c]) (SplitMean).
void split_means(std::span<const double> mean, float* value, float* rest);
// out[c] = the sum over channel c (and all processes when on) of (x - mu)^2.
void channel_squared_deviations(const ChannelLayout& b, const float* x, const SplitMean& mu,
                                ChannelSums& sums, CrossProcessSums& processes,
                                std::span<double> out);

}  // namespace minima

#include <minima/core/reductions.hpp>

namespace minima {

void ChannelSums::add_row_blocks(const ChannelLayout& b, std::span<double* const> sums) const {
  const int64_t d = b.channels, terms = int64_t(sums.size());
  const int64_t blocks = (b.n + kRowsPerBlock - 1) / kRowsPerBlock, width = terms * d;
  for (int64_t t = 0; t < terms; ++t) {
    double* sum = sums[size_t(t)];
    std::fill(sum, sum + d, 0.0);
    for (int64_t block = 0; block < blocks; ++block) {
      const float* acc = row_blocks_.data() + block * width + t * d;
      for (int64_t k = 0; k < d; ++k) sum[k] += acc[k];
    }
  }
}

void ChannelSums::add_planes(const ChannelLayout& b, std::span<double* const> sums) const {
  const int64_t c_count = b.channels, terms = int64_t(sums.size());
  for (int64_t t = 0; t < terms; ++t)
    for (int64_t c = 0; c < c_count; ++c) {
      double sum = 0.0;
      for (int64_t i = 0; i < b.n; ++i) sum += planes_[size_t((i * c_count + c) * terms + t)];
      sums[size_t(t)][c] = sum;
    }
}

CrossProcessSums::CrossProcessSums(int64_t channels) : buffer_(size_t(2 * channels + 1)) {}

double CrossProcessSums::sum(std::span<double> sums, double count) {
  if (!on_) return count;
  std::copy(sums.begin(), sums.end(), buffer_.begin());
  buffer_[sums.size()] = count;
  const std::span<double> values(buffer_.data(), sums.size() + 1);
  all_reduce(values);
  std::copy(values.begin(), values.end() - 1, sums.begin());
  return values.back();
}

void CrossProcessSums::sum(std::span<double> sums) {
  if (on_) all_reduce(sums);
}

double channel_means(const ChannelLayout& b, const float* x, ChannelSums& sums,
                     CrossProcessSums& processes, std::span<double> mean) {
  double* sum = mean.data();  // sum (x - x_0), then the mean
  sums(b, std::array{sum}, [=](int64_t c) {
    return [=, x_0 = x[c * b.spatial]](int64_t j) { return std::array<float, 1>{x[j] - x_0}; };
  });
  const int64_t m = b.per_channel();
  const bool over_processes = processes.over_processes();
  if (over_processes)
    for (int64_t c = 0; c < b.channels; ++c) sum[c] += double(m) * double(x[c * b.spatial]);
  const double count = processes.sum(mean, double(m));
  for (int64_t c = 0; c < b.channels; ++c)
    mean[c] = over_processes ? sum[c] / count : double(x[c * b.spatial]) + sum[c] / count;
  return count;
}

void split_means(std::span<const double> mean, float* value, float* rest) {
  for (size_t c = 0; c < mean.size(); ++c) {
    value[c] = float(mean[c]);
    rest[c] = float(mean[c] - double(value[c]));
  }
}

void channel_squared_deviations(const ChannelLayout& b, const float* x, const SplitMean& mu,
                                ChannelSums& sums, CrossProcessSums& processes,
                                std::span<double> out) {
  sums(b, std::array{out.data()}, [=](int64_t c) {
    return [=, mu = mu[c]](int64_t j) {
      const float xc = mu.centered(x[j]);  // x - mu
      return std::array<float, 1>{xc * xc};
    };
  });
  processes.sum(out);
}

}  // namespace minima

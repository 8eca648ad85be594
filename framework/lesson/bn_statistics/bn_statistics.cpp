#include <minima/lesson/bn_statistics/bn_statistics.hpp>

#include <algorithm>
#include <cmath>

#include <minima/data/batcher.hpp>
#include <minima/lesson/probes/probes.hpp>

namespace minima::lesson {
namespace {

const Tensor& bn_buffer(const Layer& layer, const std::string& name) {
  for (const Buffer* b : layer.buffers())
    if (b->name == name) return b->value;
  throw std::logic_error("bn_statistics: '" + layer.name() + "' has no " + name);
}

bool tracks_running_statistics(const Layer& layer) {
  if (!layer.traits().normalizes_over_batch) return false;
  const auto buffers = layer.buffers();
  return std::any_of(buffers.begin(), buffers.end(),
                     [](const Buffer* b) { return b->name == "running_var"; });
}

// The median over units of f(k), leaving out units where it is not finite;
// nullopt when none is.
template <class F>
std::optional<double> median_over_units(size_t units, F f) {
  std::vector<double> values;
  for (size_t k = 0; k < units; ++k)
    if (const double v = f(k); std::isfinite(v)) values.push_back(v);
  if (values.empty()) return std::nullopt;
  return percentile(values, 50);
}

}  // namespace

BatchNormStatsMeter::BatchNormStatsMeter(const Graph& model, int64_t batch_size, int64_t samples)
    : copy_(Graph::from_json(model.config(), "/model/layers")),
      batch_size_(batch_size),
      samples_(samples) {
  copy_.build(model.input_shape(), 0);
  for (size_t i = 0; i < copy_.size(); ++i) {
    if (!tracks_running_statistics(copy_.layer(i))) continue;
    bn_.push_back(i);
    input_.push_back(copy_.index_of(copy_.inputs_of(i).at(0)));
    names_.push_back(copy_.layer(i).name());
  }
}

// Over all values v of unit k (every sample, every position of a channel):
// mean = sum v / n, var = sum (v - mean)^2 / n, in two passes.
BatchNormStatsMeter::Moments BatchNormStatsMeter::input_moments(const Tensor& x, Mode mode,
                                                                int64_t batch) {
  Moments m;
  std::vector<std::vector<std::vector<double>>> values(bn_.size());  // [layer][unit][value]
  for (int64_t begin = 0; begin + batch <= x.dim(0); begin += batch) {
    copy_.forward(x.slice_rows(begin, batch), mode);
    for (size_t l = 0; l < bn_.size(); ++l) {
      const Layer& in = copy_.layer(input_[l]);
      const UnitLayout u = unit_layout(in.output_shape());
      values[l].resize(size_t(u.units));
      const Tensor& out = in.output();
      for (int64_t i = 0; i < batch; ++i)
        for (int64_t k = 0; k < u.units; ++k)
          for (int64_t s = 0; s < u.positions; ++s)
            values[l][size_t(k)].push_back(out[(i * u.units + k) * u.positions + s]);
    }
  }
  for (const auto& layer : values) {
    std::vector<double> mean, var;
    for (const std::vector<double>& v : layer) {
      double sum = 0, squares = 0;
      for (double a : v) sum += a;
      const double mu = sum / double(v.size());
      for (double a : v) squares += (a - mu) * (a - mu);
      mean.push_back(mu);
      var.push_back(squares / double(v.size()));
    }
    m.mean.push_back(std::move(mean));
    m.var.push_back(std::move(var));
  }
  return m;
}

BatchNormStatsPoint BatchNormStatsMeter::measure(Graph& model, const TrainingData& data,
                                                 int64_t step) {
  const Tensor& theta = model.values();
  std::copy(theta.data(), theta.data() + theta.numel(), copy_.values().data());
  // Whole batches: at least one, unless the training set is smaller than a batch.
  const int64_t n =
      std::min(std::max(samples_, batch_size_), data.train.count) / batch_size_ * batch_size_;
  if (n == 0) {
    const std::vector<std::optional<double>> none(bn_.size());
    return {step, none, none, none};
  }
  const Tensor x = first_samples(data.train, data.normalization, n).x;
  const Moments trained = input_moments(x, Mode::Train, batch_size_);
  const Moments evaluated = input_moments(x, Mode::Eval, n);

  BatchNormStatsPoint p{step, {}, {}, {}};
  for (size_t l = 0; l < bn_.size(); ++l) {
    const std::vector<double>&mu = trained.mean[l], &s2 = trained.var[l], &v2 = evaluated.var[l];
    const Tensor& rm = bn_buffer(model.layer(bn_[l]), "running_mean");
    const Tensor& rv = bn_buffer(model.layer(bn_[l]), "running_var");
    const size_t units = mu.size();
    p.mean_error.push_back(median_over_units(
        units, [&](size_t k) { return std::abs(rm[int64_t(k)] - mu[k]) / std::sqrt(s2[k]); }));
    p.var_error.push_back(
        median_over_units(units, [&](size_t k) { return std::abs(rv[int64_t(k)] / s2[k] - 1); }));
    p.variance_shift.push_back(
        median_over_units(units, [&](size_t k) { return rv[int64_t(k)] / v2[k]; }));
  }
  return p;
}

}  // namespace minima::lesson

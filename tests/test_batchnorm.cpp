// BatchNorm against PyTorch (tests/data/pytorch_reference.json, every case:
// BatchNorm1d on features, BatchNorm2d on images; "batchnorm_formula": the
// options "normalize" and "running_var", by torch autograd over the formulas in
// float64), the fast layer against batchnorm_reference (the paper's Algorithm 1
// in plain double loops, itself held to PyTorch here) and its documented
// behaviour: normalized outputs, large offsets (features and images), images
// computed as their pixel rows, running statistics (momentum and cumulative,
// unbiased or biased), affine / track_running_stats switches, and batches of one.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <minima/config/option_error.hpp>
#include <minima/layers/batchnorm.hpp>
#include <minima/layers/batchnorm_reference.hpp>
#include "tests/support.hpp"

using minima::BatchNorm;
using minima::BatchNormReference;
using minima::json;
using minima::Mode;
using minima::Shape;
using minima::Tensor;
using minima::test::check_close;
using minima::test::to_tensor;

namespace {

// BatchNorm for per-sample `sample`: features [D] or an image [C, H, W].
std::unique_ptr<BatchNorm> make_bn(const json& options, Shape sample) {
  json spec = options;
  spec["type"] = "batchnorm";
  std::unique_ptr<minima::Layer> layer = minima::test::make_layer(spec, sample);
  auto* bn = dynamic_cast<BatchNorm*>(layer.get());
  REQUIRE(bn != nullptr);
  layer.release();
  return std::unique_ptr<BatchNorm>(bn);
}

void set_param(minima::Layer& layer, const std::string& name, const Tensor& value) {
  for (minima::Param* p : layer.params())
    if (p->name == name) {
      REQUIRE(p->value.numel() == value.numel());
      for (int64_t k = 0; k < value.numel(); ++k) p->value[k] = value[k];
      return;
    }
  FAIL("no parameter " << name);
}

const minima::Param& param(const minima::Layer& layer, const std::string& name) {
  for (const minima::Param* p : layer.params())
    if (p->name == name) return *p;
  throw std::runtime_error("no parameter " + name);
}

// Per feature (column of [m, d]) or per channel (of [N, C, H, W], over
// its N H W values) mean and biased variance, in double.
struct ColumnStats {
  std::vector<double> mean, var;
};
ColumnStats column_stats(const Tensor& t) {
  const int64_t n = t.dim(0), d = t.dim(1), s = t.numel() / (n * d), m = n * s;
  ColumnStats stats{std::vector<double>(d, 0.0), std::vector<double>(d, 0.0)};
  auto at = [&](int64_t j) { return double(t[j]); };  // j = (i d + k) s + position
  for (int64_t j = 0; j < t.numel(); ++j) stats.mean[j / s % d] += at(j) / double(m);
  for (int64_t j = 0; j < t.numel(); ++j) {
    const int64_t k = j / s % d;
    stats.var[k] += (at(j) - stats.mean[k]) * (at(j) - stats.mean[k]) / double(m);
  }
  return stats;
}

// Tolerances: the reference is float64 PyTorch on float32-exact inputs.
// Outputs and gradients: rtol 1e-4 / atol 1e-5, as the reference README
// advises for ordinary cases (PyTorch's own float32 lands within ~4e-5).
// The same holds for the "offset" case (inputs near 300, spread ~0.05),
// where PyTorch's float32 BatchNorm itself is ~2e-3 off on y and ~1e-2 on
// dx: minima subtracts the mean in double and lands within ~1e-5, and this
// test keeps it that way. Statistics: rtol 1e-5 / atol 1e-6 (running
// statistics are stored in float32).
constexpr double kBatchNormRtol = 1e-4, kBatchNormAtol = 1e-5;
constexpr double kStatsRtol = 1e-5, kStatsAtol = 1e-6;

// A reference case's layer options: eps, momentum, and normalize and running_var
// where it has them ("batchnorm_formula").
json case_options(const json& c) {
  json options = {{"eps", c["eps"]}, {"momentum", c["momentum"]}};
  for (const char* key : {"normalize", "running_var"})
    if (c.contains(key)) options[key] = c[key];
  return options;
}

// Every value of one reference case, with the BN tolerances above.
void check_against_pytorch(const json& c) {
  const std::string name = c["name"];
  CAPTURE(name);
  const json options = case_options(c);
  const Tensor x = to_tensor(c["x"]);
  const Shape sample = x.shape().tail();  // [n] or [C, H, W]
  const int64_t n = sample[0];
  if (c.contains("m")) REQUIRE(x.shape() == Shape{c["m"].get<int64_t>(), n});

  // Train forward and backward on x.
  auto bn = make_bn(options, sample);
  set_param(*bn, "weight", to_tensor(c["gamma"]));
  set_param(*bn, "bias", to_tensor(c["beta"]));
  const Tensor y = bn->forward(x, Mode::Train);
  check_close(y, to_tensor(c["y"]), kBatchNormRtol, kBatchNormAtol, name + " y");
  check_close(bn->batch_mean(), to_tensor(c["batch_mean"]), kStatsRtol, kStatsAtol,
              name + " batch mean");
  Tensor expected_inv_std = to_tensor(c["batch_var"]);
  for (int64_t k = 0; k < n; ++k)
    expected_inv_std[k] = float(1.0 / std::sqrt(double(c["batch_var"][k]) + double(c["eps"])));
  check_close(bn->batch_inv_std(), expected_inv_std, 1e-5, 0, name + " batch 1/sqrt(var + eps)");
  check_close(bn->running_mean(), to_tensor(c["running_mean_1"]), kStatsRtol, kStatsAtol,
              name + " running_mean_1");
  check_close(bn->running_var(), to_tensor(c["running_var_1"]), kStatsRtol, kStatsAtol,
              name + " running_var_1");

  bn->zero_grad();
  bn->backward(to_tensor(c["dy"]));
  check_close(bn->input_grad(), to_tensor(c["dx"]), kBatchNormRtol, kBatchNormAtol, name + " dx");
  check_close(param(*bn, "weight").grad, to_tensor(c["dgamma"]), kBatchNormRtol, kBatchNormAtol,
              name + " dgamma");
  check_close(param(*bn, "bias").grad, to_tensor(c["dbeta"]), kBatchNormRtol, kBatchNormAtol,
              name + " dbeta");

  // Three train forwards from running_mean = 0, running_var = 1, then eval.
  auto bn3 = make_bn(options, sample);
  set_param(*bn3, "weight", to_tensor(c["gamma"]));
  set_param(*bn3, "bias", to_tensor(c["beta"]));
  std::vector<Tensor> inputs;
  for (const json& t : c["train_inputs"]) inputs.push_back(to_tensor(t));
  REQUIRE(inputs.size() == 3);
  for (const Tensor& t : inputs) bn3->forward(t, Mode::Train);
  check_close(bn3->running_mean(), to_tensor(c["running_mean_3"]), kStatsRtol, kStatsAtol,
              name + " running_mean_3");
  check_close(bn3->running_var(), to_tensor(c["running_var_3"]), kStatsRtol, kStatsAtol,
              name + " running_var_3");
  const Tensor eval_x = to_tensor(c["eval_input"]);
  check_close(bn3->forward(eval_x, Mode::Eval), to_tensor(c["eval_output"]), kBatchNormRtol,
              kBatchNormAtol, name + " eval output");
  // Eval leaves the running statistics alone.
  check_close(bn3->running_mean(), to_tensor(c["running_mean_3"]), kStatsRtol, kStatsAtol,
              name + " running_mean after eval");
}

}  // namespace

// "batchnorm": BatchNorm1d on [m, n]; "batchnorm2d": BatchNorm2d on images
// [N, C, H, W], statistics per channel over N H W values. Same tolerances.
TEST_CASE(
    "batchnorm matches PyTorch: train forward, batch statistics, backward, running stats, eval") {
  for (const char* kind : {"batchnorm", "batchnorm2d"}) {
    const json& cases = minima::test::reference()[kind];
    REQUIRE(cases.size() >= 4);
    for (const json& c : cases) check_against_pytorch(c);
  }
}

// normalize "mean" / "variance", running_var "biased" (and "full" cases that
// hold the formulas to PyTorch's BatchNorm): batches of 4 and 32, features and
// images. Same tolerances.
TEST_CASE(
    "batchnorm options normalize and running_var match the float64 formula references: "
    "y, dx, dgamma, dbeta, running stats, eval") {
  const json& cases = minima::test::reference()["batchnorm_formula"];
  REQUIRE(cases.size() >= 6);
  for (const json& c : cases) check_against_pytorch(c);
}

namespace {

std::vector<double> as_doubles(const Tensor& t) {
  return std::vector<double>(t.data(), t.data() + t.numel());
}

// The reference with a layer's options (keys absent: the defaults).
void set_reference_options(BatchNormReference& reference, const json& options) {
  const std::string normalize = options.value("normalize", "full");
  reference.subtract_mean = normalize != "variance";
  reference.divide_by_std = normalize != "mean";
  reference.unbiased = options.value("running_var", "unbiased") == "unbiased";
  reference.eps = options.value("eps", 1e-5);
  reference.momentum = options.value("momentum", 0.1);
}
Tensor rounded_to_float(const std::vector<double>& values, const Shape& shape) {
  Tensor t(shape);
  REQUIRE(size_t(t.numel()) == values.size());
  for (int64_t k = 0; k < t.numel(); ++k) t[k] = float(values[k]);
  return t;
}

// The fast layer and batchnorm_reference, side by side: three train steps
// and an eval step, each a forward and a backward, on x = offset + 10 c +
// spread * noise (c the channel). Golden tolerances for y, dx, dgamma and
// dbeta, statistics tolerances for inv_std and the running statistics.
void check_fast_against_reference(const Shape& sample, int64_t n, float offset, float spread,
                                  const json& options = json::object()) {
  CAPTURE(sample.str());
  CAPTURE(offset);
  CAPTURE(options.dump());
  minima::Rng rng(uint64_t(sample.numel()) + uint64_t(offset));
  const int64_t c_count = sample[0], s_count = sample.numel() / c_count;
  auto fast = make_bn(options, sample);
  BatchNormReference reference(c_count, s_count);
  set_reference_options(reference, options);
  const Tensor gamma = minima::test::random_uniform(Shape{c_count}, rng, 0.5f, 1.5f);
  const Tensor beta = minima::test::random_uniform(Shape{c_count}, rng);
  set_param(*fast, "weight", gamma);
  set_param(*fast, "bias", beta);
  reference.gamma = as_doubles(gamma);
  reference.beta = as_doubles(beta);
  for (int step = 0; step < 4; ++step) {
    CAPTURE(step);
    const bool train = step < 3;
    Tensor x = minima::test::random_normal(sample.with_batch(n), rng, 0.0f, spread);
    for (int64_t j = 0; j < x.numel(); ++j) x[j] += offset + 10.0f * float(j / s_count % c_count);
    const Tensor dy = minima::test::random_normal(x.shape(), rng);
    const std::vector<double> y = batchnorm_reference_forward(reference, as_doubles(x), train);
    check_close(fast->forward(x, train ? Mode::Train : Mode::Eval), rounded_to_float(y, x.shape()),
                kBatchNormRtol, kBatchNormAtol, "y");
    check_close(fast->batch_inv_std(), rounded_to_float(reference.inv_std, Shape{c_count}),
                kStatsRtol, 0, "1/sqrt(var + eps)");
    check_close(fast->running_mean(), rounded_to_float(reference.running_mean, Shape{c_count}),
                kStatsRtol, kStatsAtol, "running_mean");
    check_close(fast->running_var(), rounded_to_float(reference.running_var, Shape{c_count}),
                kStatsRtol, kStatsAtol, "running_var");
    fast->zero_grad();
    fast->backward(dy);
    const std::vector<double> dx = batchnorm_reference_backward(reference, as_doubles(dy));
    check_close(fast->input_grad(), rounded_to_float(dx, x.shape()), kBatchNormRtol, kBatchNormAtol,
                "dx");
    check_close(param(*fast, "weight").grad, rounded_to_float(reference.dgamma, Shape{c_count}),
                kBatchNormRtol, kBatchNormAtol, "dgamma");
    check_close(param(*fast, "bias").grad, rounded_to_float(reference.dbeta, Shape{c_count}),
                kBatchNormRtol, kBatchNormAtol, "dbeta");
  }
}

}  // namespace

namespace {

// The reference itself against one PyTorch case, at the same tolerances as the fast layer.
void check_reference_against_pytorch(const json& c) {
  const std::string name = c["name"];
  CAPTURE(name);
  const Tensor x = to_tensor(c["x"]);
  const int64_t c_count = x.dim(1);
  BatchNormReference reference(c_count, x.numel() / (x.dim(0) * c_count));
  set_reference_options(reference, case_options(c));
  reference.gamma = as_doubles(to_tensor(c["gamma"]));
  reference.beta = as_doubles(to_tensor(c["beta"]));
  check_close(
      rounded_to_float(batchnorm_reference_forward(reference, as_doubles(x), true), x.shape()),
      to_tensor(c["y"]), kBatchNormRtol, kBatchNormAtol, name + " y");
  check_close(rounded_to_float(reference.running_mean, Shape{c_count}),
              to_tensor(c["running_mean_1"]), kStatsRtol, kStatsAtol, name + " running_mean_1");
  check_close(rounded_to_float(reference.running_var, Shape{c_count}),
              to_tensor(c["running_var_1"]), kStatsRtol, kStatsAtol, name + " running_var_1");
  const std::vector<double> dx =
      batchnorm_reference_backward(reference, as_doubles(to_tensor(c["dy"])));
  check_close(rounded_to_float(dx, x.shape()), to_tensor(c["dx"]), kBatchNormRtol, kBatchNormAtol,
              name + " dx");
  check_close(rounded_to_float(reference.dgamma, Shape{c_count}), to_tensor(c["dgamma"]),
              kBatchNormRtol, kBatchNormAtol, name + " dgamma");
  check_close(rounded_to_float(reference.dbeta, Shape{c_count}), to_tensor(c["dbeta"]),
              kBatchNormRtol, kBatchNormAtol, name + " dbeta");
  BatchNormReference three = reference;  // three train steps from running 0 and 1, then eval
  three.running_mean.assign(size_t(c_count), 0.0);
  three.running_var.assign(size_t(c_count), 1.0);
  for (const json& t : c["train_inputs"])
    batchnorm_reference_forward(three, as_doubles(to_tensor(t)), true);
  check_close(rounded_to_float(three.running_mean, Shape{c_count}), to_tensor(c["running_mean_3"]),
              kStatsRtol, kStatsAtol, name + " running_mean_3");
  check_close(rounded_to_float(three.running_var, Shape{c_count}), to_tensor(c["running_var_3"]),
              kStatsRtol, kStatsAtol, name + " running_var_3");
  const Tensor eval_x = to_tensor(c["eval_input"]);
  check_close(rounded_to_float(batchnorm_reference_forward(three, as_doubles(eval_x), false),
                               eval_x.shape()),
              to_tensor(c["eval_output"]), kBatchNormRtol, kBatchNormAtol, name + " eval output");
}

}  // namespace

TEST_CASE("batchnorm_reference matches PyTorch: y, dx, dgamma, dbeta, running statistics, eval") {
  for (const char* kind : {"batchnorm", "batchnorm2d"})
    for (const json& c : minima::test::reference()[kind]) check_reference_against_pytorch(c);
}

TEST_CASE(
    "batchnorm_reference with normalize and running_var matches the float64 formula references") {
  for (const json& c : minima::test::reference()["batchnorm_formula"])
    check_reference_against_pytorch(c);
}

// Features (37 rows: two blocks of 16 and a rest), images (6 x 400 values a
// channel), each ordinary and at a large offset (1000 + 0.01 noise).
TEST_CASE("batchnorm matches batchnorm_reference: train and eval, features and images, offsets") {
  for (const Shape& sample : {Shape{12}, Shape{3, 20, 20}}) {
    const int64_t n = sample.rank() == 1 ? 37 : 6;
    check_fast_against_reference(sample, n, 3.0f, 2.0f);
    check_fast_against_reference(sample, n, 1000.0f, 0.01f);
  }
}

TEST_CASE(
    "batchnorm with normalize mean or variance and running_var biased matches batchnorm_reference: "
    "train and eval, features and images, offsets") {
  for (const json& options : {json{{"normalize", "mean"}}, json{{"normalize", "variance"}},
                              json{{"running_var", "biased"}},
                              json{{"normalize", "variance"}, {"running_var", "biased"}}})
    for (const Shape& sample : {Shape{12}, Shape{3, 20, 20}}) {
      const int64_t n = sample.rank() == 1 ? 37 : 6;
      check_fast_against_reference(sample, n, 3.0f, 2.0f, options);
      check_fast_against_reference(sample, n, 1000.0f, 0.01f, options);
    }
}

// With momentum 1 running_var is the last batch's: m/(m-1) var (PyTorch), or var.
TEST_CASE("batchnorm running_var stores the unbiased m/(m-1) var or with biased the var itself") {
  minima::Rng rng(13);
  for (const Shape& sample : {Shape{3}, Shape{2, 3, 3}}) {
    const int64_t n = 4, m = sample.rank() == 1 ? n : n * 9;  // values per channel
    const Tensor x = minima::test::random_normal(sample.with_batch(n), rng, 1.0f, 2.0f);
    const ColumnStats stats = column_stats(x);
    for (const char* running_var : {"unbiased", "biased"}) {
      CAPTURE(sample.str());
      CAPTURE(running_var);
      auto bn = make_bn(json{{"momentum", 1.0}, {"running_var", running_var}}, sample);
      bn->forward(x, Mode::Train);
      const double ratio = std::string(running_var) == "biased" ? 1.0 : double(m) / double(m - 1);
      for (int64_t k = 0; k < sample[0]; ++k)
        CHECK(bn->running_var()[k] / stats.var[k] == doctest::Approx(ratio).epsilon(1e-5));
      CHECK(bn->config()["running_var"] == running_var);
    }
  }
}

TEST_CASE("batchnorm refuses an unknown normalize or running_var, naming the allowed values") {
  CHECK_THROWS_WITH_AS(
      BatchNorm({.normalize = "center"}),
      doctest::Contains(R"(normalize: expected one of "full", "mean", "variance")"),
      minima::OptionError);
  CHECK_THROWS_WITH_AS(BatchNorm({.running_var = "sample"}),
                       doctest::Contains(R"(running_var: expected one of "unbiased", "biased")"),
                       minima::OptionError);
  CHECK_THROWS_WITH(
      minima::create_layer(json{{"type", "batchnorm"}, {"normalize", "std"}}, "/model/layers/2"),
      doctest::Contains("/model/layers/2/normalize"));
}

TEST_CASE("batchnorm output has mean 0 and variance var/(var+eps) per feature") {
  minima::Rng rng(21);
  auto bn = make_bn(json::object(), Shape{6});
  Tensor x = minima::test::random_normal(Shape{32, 6}, rng, 5.0f, 3.0f);
  const ColumnStats in = column_stats(x);
  const ColumnStats out = column_stats(bn->forward(x, Mode::Train));
  for (int64_t k = 0; k < 6; ++k) {
    CAPTURE(k);
    // Float32 rounding of O(1) outputs: mean within 1e-6, variance within 1e-5.
    CHECK(std::fabs(out.mean[k]) < 1e-6);
    CHECK(out.var[k] == doctest::Approx(in.var[k] / (in.var[k] + 1e-5)).epsilon(1e-5));
  }
}

// Feature vectors [64, 4], and images [6, 3, 20, 20] normalized per
// channel over 2400 values (400 a plane: whole blocks of 128 summed in float
// lanes and a rest), channels 10 apart.
TEST_CASE("batchnorm normalizes x = 1000 + 0.01 * noise (a naive E[x^2] - E[x]^2 would not)") {
  minima::Rng rng(5);
  for (const Shape& sample : {Shape{4}, Shape{3, 20, 20}}) {
    CAPTURE(sample.str());
    const int64_t d = sample[0], s_count = sample.numel() / d;
    Tensor x(sample.with_batch(sample.rank() == 1 ? 64 : 6));
    for (int64_t j = 0; j < x.numel(); ++j)
      x[j] = 1000.0f + 10.0f * float(j / s_count % d) + 0.01f * rng.normal();
    const ColumnStats in = column_stats(x);  // of the float inputs, in double
    for (const double eps : {1e-5, 1e-10}) {
      CAPTURE(eps);
      auto bn = make_bn(json{{"eps", eps}}, sample);
      const ColumnStats out = column_stats(bn->forward(x, Mode::Train));
      for (int64_t k = 0; k < d; ++k) {
        CAPTURE(k);
        CHECK(in.var[k] > 5e-5);  // the spread survived float32 (ulp(1000) = 6e-5)
        // var / (var + eps) is ~0.91 for eps = 1e-5 and ~1 for eps = 1e-10.
        // Float32 outputs allow ~1e-6; a float mean (ulp(1000)/2 = 3e-5, i.e.
        // 3e-3 of the spread) would miss the mean bound, E[x^2] - E[x]^2 both.
        CHECK(std::fabs(out.var[k] - in.var[k] / (in.var[k] + eps)) < 1e-4);
        CHECK(std::fabs(out.mean[k]) < 1e-5);
      }
    }
  }
}

// x [N, C, H, W] -> [N H W, C], one row per pixel.
Tensor pixel_rows(const Tensor& x) {
  const int64_t n = x.dim(0), c_count = x.dim(1), s_count = x.numel() / (n * c_count);
  Tensor rows(Shape{n * s_count, c_count});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < c_count; ++c)
      for (int64_t s = 0; s < s_count; ++s)
        rows[(i * s_count + s) * c_count + c] = x[(i * c_count + c) * s_count + s];
  return rows;
}

TEST_CASE(
    "batchnorm on images computes what it computes on the pixels as rows of C features "
    "(Ioffe & Szegedy sec. 3.2): y, dx, dgamma, dbeta, running statistics, eval") {
  minima::Rng rng(12);
  const Shape sample{4, 15, 15};  // 225 values a plane: a whole block and a rest
  const int64_t n = 5;
  auto images = make_bn(json::object(), sample);
  auto rows = make_bn(json::object(), Shape{4});
  const Tensor gamma = minima::test::random_uniform(Shape{4}, rng, 0.5f, 1.5f);
  const Tensor beta = minima::test::random_uniform(Shape{4}, rng);
  for (auto* bn : {images.get(), rows.get()}) {
    set_param(*bn, "weight", gamma);
    set_param(*bn, "bias", beta);
  }
  // Sums in other orders: agreement to float rounding of the results.
  constexpr double kSame = 1e-5;
  for (int step = 0; step < 2; ++step) {
    CAPTURE(step);
    const Tensor x = minima::test::random_normal(sample.with_batch(n), rng, 3.0f, 2.0f);
    const Tensor dy = minima::test::random_normal(sample.with_batch(n), rng);
    const Tensor x_rows = pixel_rows(x);  // kept alive for backward, as x is
    const Tensor y = images->forward(x, Mode::Train);
    check_close(pixel_rows(y), rows->forward(x_rows, Mode::Train), kSame, kSame, "y");
    images->zero_grad();
    rows->zero_grad();
    images->backward(dy);
    rows->backward(pixel_rows(dy));
    check_close(pixel_rows(images->input_grad()), rows->input_grad(), kSame, kSame, "dx");
    for (const char* name : {"weight", "bias"})
      check_close(param(*images, name).grad, param(*rows, name).grad, kSame, kSame, name);
  }
  check_close(images->running_mean(), rows->running_mean(), kSame, kSame, "running_mean");
  check_close(images->running_var(), rows->running_var(), kSame, kSame, "running_var");
  const Tensor x = minima::test::random_normal(sample.with_batch(n), rng);
  check_close(pixel_rows(images->forward(x, Mode::Eval)), rows->forward(pixel_rows(x), Mode::Eval),
              kSame, kSame, "eval y");
}

TEST_CASE("batchnorm momentum null keeps a cumulative average of the batch statistics") {
  minima::Rng rng(6);
  const int64_t m = 5, d = 3;
  auto bn = make_bn(json{{"momentum", nullptr}}, Shape{d});
  std::vector<double> mean_sum(d, 0.0), var_sum(d, 0.0);
  for (int step = 0; step < 3; ++step) {
    const Tensor x = minima::test::random_normal(Shape{m, d}, rng, float(step), 1.0f + float(step));
    const ColumnStats s = column_stats(x);
    for (int64_t k = 0; k < d; ++k) {
      mean_sum[k] += s.mean[k];
      var_sum[k] += s.var[k] * double(m) / double(m - 1);  // unbiased, as PyTorch
    }
    bn->forward(x, Mode::Train);
  }
  // After 3 steps: the plain average of the 3 batch means / unbiased
  // variances (the initial 0 / 1 have weight 0), to float rounding.
  for (int64_t k = 0; k < d; ++k) {
    CAPTURE(k);
    CHECK(bn->running_mean()[k] == doctest::Approx(mean_sum[k] / 3).epsilon(1e-5));
    CHECK(bn->running_var()[k] == doctest::Approx(var_sum[k] / 3).epsilon(1e-5));
  }
  CHECK(bn->buffers()[2]->name == "num_batches_tracked");
  CHECK(bn->buffers()[2]->value[0] == 3.0f);
  CHECK(bn->config()["momentum"].is_null());
}

TEST_CASE("batchnorm affine false has no parameters and outputs xhat") {
  minima::Rng rng(7);
  auto bn = make_bn(json{{"affine", false}}, Shape{3});
  CHECK(bn->params().empty());
  CHECK_FALSE(bn->affine());
  const Tensor x = minima::test::random_normal(Shape{4, 3}, rng, 1.0f, 2.0f);
  const Tensor y = bn->forward(x, Mode::Train);
  const ColumnStats s = column_stats(x);
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t k = 0; k < 3; ++k)
      CHECK(y.at(i, k) ==
            doctest::Approx((x.at(i, k) - s.mean[k]) / std::sqrt(s.var[k] + 1e-5)).epsilon(1e-5));
  bn->backward(Tensor(Shape{4, 3}));  // no parameter gradients to touch
  CHECK(bn->buffers().size() == 3);
}

TEST_CASE("batchnorm track_running_stats false: no buffers, batch statistics also in Eval") {
  minima::Rng rng(8);
  auto bn = make_bn(json{{"track_running_stats", false}}, Shape{3});
  CHECK(bn->buffers().empty());
  CHECK_FALSE(bn->tracks_running_stats());
  set_param(*bn, "weight", minima::test::random_uniform(Shape{3}, rng, 0.5f, 1.5f));
  set_param(*bn, "bias", minima::test::random_uniform(Shape{3}, rng));
  const Tensor x = minima::test::random_normal(Shape{5, 3}, rng, 2.0f, 3.0f);
  const Tensor train = bn->forward(x, Mode::Train);
  const Tensor eval = bn->forward(x, Mode::Eval);
  check_close(eval, train, 0, 0, "eval == train without running statistics");
  // Eval on a batch of one would need batch statistics of one sample.
  CHECK_THROWS_WITH(bn->forward(minima::test::random_normal(Shape{1, 3}, rng), Mode::Eval),
                    doctest::Contains("more than one sample"));
}

TEST_CASE("batchnorm: a training batch of one is refused, Eval with a batch of one works") {
  minima::Rng rng(9);
  auto bn = make_bn(json::object(), Shape{3});
  for (int step = 0; step < 2; ++step)
    bn->forward(minima::test::random_normal(Shape{4, 3}, rng, 1.0f, 2.0f), Mode::Train);
  const Tensor one = minima::test::random_normal(Shape{1, 3}, rng);
  CHECK_THROWS_WITH_AS(bn->forward(one, Mode::Train), doctest::Contains("more than one sample"),
                       std::invalid_argument);
  const Tensor y = bn->forward(one, Mode::Eval);
  REQUIRE(y.shape() == Shape{1, 3});
  for (int64_t k = 0; k < 3; ++k) {
    const double expected =
        (one[k] - bn->running_mean()[k]) / std::sqrt(double(bn->running_var()[k]) + 1e-5);
    CHECK(y[k] == doctest::Approx(expected).epsilon(1e-5));  // gamma 1, beta 0
  }
  CHECK(bn->buffers()[2]->value[0] == 2.0f);  // the refused and the eval batch were not counted
}

TEST_CASE("batchnorm: names, defaults and per-sample shape") {
  auto bn = make_bn(json::object(), Shape{4});
  CHECK(bn->config() == json{{"eps", 1e-5},
                             {"momentum", 0.1},
                             {"affine", true},
                             {"track_running_stats", true},
                             {"sync", false},
                             {"running_var", "unbiased"},
                             {"normalize", "full"}});
  std::vector<std::string> names;
  for (const minima::Param* p : bn->params()) names.push_back(p->name);
  for (const minima::Buffer* b : bn->buffers()) names.push_back(b->name);
  CHECK(names == std::vector<std::string>{"weight", "bias", "running_mean", "running_var",
                                          "num_batches_tracked"});
  CHECK(bn->buffers()[2]->integer);
  CHECK(bn->gamma()[0] == 1.0f);
  CHECK(bn->beta()[0] == 0.0f);
  CHECK(bn->running_var()[3] == 1.0f);
  CHECK(bn->running_mean()[3] == 0.0f);
  auto made = minima::create_layer(json{{"type", "batchnorm"}}, "/x");
  made->set_name("bn");
  CHECK_THROWS_WITH(made->build({Shape{2, 3}}),
                    doctest::Contains("put it after a dense or conv2d layer"));
}

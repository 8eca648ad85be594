#pragma once
// Shared helpers for minima's tests: JSON lists -> tensors, the PyTorch
// reference file, random tensors, layers built from a JSON spec, and an
// element-wise closeness check that reports the worst element.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/config/config_object.hpp>
#include <minima/core/rng.hpp>
#include <minima/core/tensor.hpp>
#include <minima/nn/layer.hpp>
#include <minima/nn/layer_registry.hpp>
#include "tests/build_paths.hpp"

namespace minima::test {

// tests/data/pytorch_reference.json (values PyTorch 1.13 computed in float64),
// parsed once.
inline const nlohmann::json& reference() {
  static const nlohmann::json data = [] {
    const std::string path = minima::test::test_data_dir() + "/pytorch_reference.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in);
  }();
  return data;
}

// A number or a (nested, rectangular) list of numbers -> a float Tensor:
// [a, b] -> [2], [[..], [..]] -> [2, n], and so on up to rank 4.
inline Tensor to_tensor(const nlohmann::json& v) {
  if (!v.is_array()) {
    Tensor t(Shape{1});
    t[0] = v.get<float>();
    return t;
  }
  std::vector<int64_t> dims;  // down the first elements: [[[..]]] -> three sizes
  for (const nlohmann::json* node = &v; node->is_array(); node = &(*node)[0]) {
    dims.push_back(int64_t(node->size()));
    if (node->empty()) break;
  }
  REQUIRE(dims.size() <= size_t(Shape::kMaxRank));
  Shape shape{dims.back()};
  for (size_t i = dims.size() - 1; i-- > 0;) shape = shape.with_batch(dims[i]);
  Tensor t(shape);
  int64_t next = 0;
  auto fill = [&](const auto& self, const nlohmann::json& node, int depth) -> void {
    REQUIRE(int64_t(node.size()) == shape[depth]);
    for (const nlohmann::json& item : node) {
      if (depth + 1 < shape.rank())
        self(self, item, depth + 1);
      else
        t[next++] = item.get<float>();
    }
  };
  fill(fill, v, 0);
  return t;
}

// dst[k] = src[k] for every element (a parameter set from reference values).
inline void copy_into(Tensor& dst, const Tensor& src) {
  REQUIRE(dst.numel() == src.numel());
  for (int64_t k = 0; k < src.numel(); ++k) dst[k] = src[k];
}

// The message of the exception `f` throws, or "(no error)".
template <class F>
std::string exception_message(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// The message of the ConfigError `f` throws (and its pointer, if asked);
// fails the test when `f` throws none.
template <class F>
std::string config_error(F&& f, std::string* pointer = nullptr) {
  try {
    f();
  } catch (const ConfigError& e) {
    if (pointer) *pointer = e.pointer();
    return e.what();
  }
  FAIL("no ConfigError was thrown");
  return "";
}

// Uniform in [lo, hi).
inline Tensor random_uniform(Shape shape, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
  Tensor t(shape);
  for (int64_t k = 0; k < t.numel(); ++k) t[k] = lo + (hi - lo) * rng.uniform();
  return t;
}

inline Tensor random_normal(Shape shape, Rng& rng, float mean = 0.0f, float std = 1.0f) {
  Tensor t(shape);
  for (int64_t k = 0; k < t.numel(); ++k) t[k] = mean + std * rng.normal();
  return t;
}

// A registered layer from its spec ({"type": ...}), built for per-sample
// `input_shape` and initialised from `seed`.
inline std::unique_ptr<Layer> make_layer(const nlohmann::json& spec, const Shape& input_shape,
                                         uint64_t seed = 7) {
  std::unique_ptr<Layer> layer = create_layer(spec, "/test");
  layer->set_name(spec.at("type").get<std::string>());
  layer->build({input_shape});
  Rng rng(seed);
  layer->init_params(rng);
  return layer;
}

// The worst element of |got - expected| > atol + rtol |expected|, if any.
struct Closeness {
  bool close = true;
  int64_t worst = -1;   // index of the element furthest beyond its bound
  double excess = 0.0;  // how far beyond, relative to its bound
  double got = 0.0, expected = 0.0;
};

inline Closeness closeness(const Tensor& got, const Tensor& expected, double rtol, double atol) {
  Closeness c;
  for (int64_t k = 0; k < expected.numel(); ++k) {
    const double g = got[k], e = expected[k];
    const double bound = atol + rtol * std::fabs(e);
    const double ratio = std::isfinite(g) ? std::fabs(g - e) / bound : INFINITY;
    if (ratio > 1.0 && ratio > c.excess) {
      c = {false, k, ratio, g, e};
    }
  }
  return c;
}

// CHECKs shape equality and element-wise closeness; on failure names `what`
// and the worst element.
inline void check_close(const Tensor& got, const Tensor& expected, double rtol, double atol,
                        const std::string& what) {
  INFO(what);
  REQUIRE(got.numel() == expected.numel());
  const Closeness c = closeness(got, expected, rtol, atol);
  INFO("worst element [" << c.worst << "]: got " << c.got << ", expected " << c.expected << " ("
                         << c.excess << "x the allowed error)");
  CHECK(c.close);
}

}  // namespace minima::test

// Graph: wiring errors with JSON pointers, the flat parameter arenas,
// state names, per-layer init streams, config round trips, and that
// forward/backward equal the layers called one by one.
#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include <minima/nn/graph.hpp>
#include "tests/support.hpp"

using minima::Graph;
using minima::json;
using minima::Mode;
using minima::Shape;
using minima::Tensor;

namespace {

// The ConfigError from building `layers` for per-sample `input_shape`.
std::string graph_error(const char* layers, Shape input_shape = Shape{4},
                        std::string* pointer = nullptr) {
  return minima::test::config_error(
      [&] {
        Graph g = Graph::from_json(json::parse(layers), "/model/layers");
        g.build(input_shape, 1);
      },
      pointer);
}

const char* kMlp = R"([
  {"type": "dense", "units": 6, "name": "fc1"},
  {"type": "batchnorm", "name": "bn1"},
  {"type": "relu"},
  {"type": "dense", "units": 3, "name": "fc2", "init": "xavier"}
])";

}  // namespace

TEST_CASE("graph: wiring errors name the JSON pointer") {
  std::string pointer;
  CHECK(graph_error(R"([{"type": "dense", "units": 3, "inputs": ["nope"]}])", Shape{4}, &pointer) ==
        "/model/layers/0/inputs/0: unknown input 'nope'");
  CHECK(pointer == "/model/layers/0/inputs/0");
  CHECK(graph_error(
            R"([{"type": "dense", "units": 3, "name": "fc"}, {"type": "relu", "name": "fc"}])") ==
        "/model/layers/1/name: duplicate layer name 'fc'");
  CHECK(graph_error(R"([{"type": "relu", "name": "input"}])") ==
        "/model/layers/0/name: 'input' is reserved for the network input");
  CHECK(graph_error(R"([{"type": "relu", "name": ""}])") ==
        "/model/layers/0/name: expected a non-empty string, got \"\"");
  CHECK(graph_error(R"([{"type": "relu", "name": "r", "inputs": ["r"]}])") ==
        "/model/layers/0/inputs/0: a layer cannot be its own input");
  CHECK(graph_error(R"([{"type": "relu", "inputs": "input"}])") ==
        "/model/layers/0/inputs: expected a list of strings, got \"input\"");
  CHECK(graph_error(R"({"type": "relu"})") ==
        "/model/layers: expected a non-empty list of layers [{\"type\": ...}, ...]");
  CHECK(graph_error("[]") ==
        "/model/layers: expected a non-empty list of layers [{\"type\": ...}, ...]");
  CHECK(graph_error(R"([{"type": "relu"}, {"type": "bogus"}])")
            .rfind("/model/layers/1/type: unknown layer type 'bogus'", 0) == 0);
}

TEST_CASE("graph: a cycle is reported at a layer on the cycle") {
  // fc -> a -> b -> a is a cycle; "tail" hangs off it and comes first in the
  // list, so the first unsorted layer is not itself on the cycle.
  CHECK(graph_error(R"([
      {"type": "relu", "name": "tail", "inputs": ["b"]},
      {"type": "relu", "name": "a", "inputs": ["b"]},
      {"type": "relu", "name": "b", "inputs": ["a"]},
      {"type": "dense", "units": 2, "inputs": ["tail"]}])") ==
        "/model/layers/1/inputs: layer 'a' is part of a cycle");
  CHECK(graph_error(R"([
      {"type": "relu", "name": "a", "inputs": ["b"]},
      {"type": "relu", "name": "b", "inputs": ["a"]},
      {"type": "dense", "units": 2, "inputs": ["b"]}])") ==
        "/model/layers/1/inputs: layer 'b' is part of a cycle");
}

TEST_CASE("graph: an output nobody reads is an error") {
  CHECK(graph_error(R"([
      {"type": "dense", "units": 3, "name": "fc"},
      {"type": "relu", "inputs": ["input"]},
      {"type": "dense", "units": 2}])") ==
        "/model/layers/0: the output of 'fc' is never used (only the last layer may be the network "
        "output)");
}

TEST_CASE("graph: shape errors from a bad \"inputs\" name the layer's pointer") {
  // batchnorm wants feature vectors or images; wired to the [2, 3] input it fails.
  std::string pointer;
  CHECK(
      graph_error(R"([{"type": "batchnorm", "inputs": ["input"]}, {"type": "relu"}])", Shape{2, 3},
                  &pointer)
          .rfind("/model/layers/0: batchnorm normalizes feature vectors or images; its input must "
                 "be [N, D] or [N, C, H, W], got per-sample shape [2, 3]",
                 0) == 0);
  CHECK(pointer == "/model/layers/0");
  CHECK(graph_error(R"([{"type": "relu", "inputs": ["input", "input"]}])") ==
        "/model/layers/0: layer 'relu1' (relu): takes 1 input(s), got 2");
}

TEST_CASE("graph: forward checks the batch's shape") {
  Graph g = Graph::from_json(json::parse(kMlp), "/model/layers");
  g.build(Shape{4}, 1);
  Tensor x(Shape{2, 5});
  CHECK_THROWS_WITH_AS(g.forward(x, Mode::Train),
                       "layer 'fc1' (dense) input 0: expected shape [2, 4] but got [2, 5]",
                       std::invalid_argument);
}

TEST_CASE("graph: default names, state names and the flat arenas") {
  Graph g = Graph::from_json(json::parse(kMlp), "/model/layers");
  g.build(Shape{4}, 1);
  REQUIRE(g.size() == 4);
  CHECK(g.layer(2).name() == "relu1");
  CHECK(g.find("bn1") == &g.layer(1));
  CHECK(g.find("nope") == nullptr);
  CHECK(g.index_of("bn1") == 1);
  CHECK(g.index_of("nope") == g.size());
  CHECK(g.output_shape() == Shape{3});
  CHECK(g.input_shape() == Shape{4});
  // fc1: 6*4 + 6, bn1: 6 + 6, fc2: 3*6 + 3.
  CHECK(g.num_params() == 30 + 12 + 21);

  const auto state = g.state();
  std::vector<std::string> names;
  for (const auto& e : state) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"fc1.weight", "fc1.bias", "bn1.weight", "bn1.bias",
                                          "fc2.weight", "fc2.bias", "bn1.running_mean",
                                          "bn1.running_var", "bn1.num_batches_tracked"});
  CHECK(state[0].tensor->shape() == Shape{6, 4});  // PyTorch Linear layout [out, in]
  CHECK(state[0].trainable);
  CHECK_FALSE(state[6].trainable);
  CHECK(state[8].integer);
  CHECK_FALSE(state[7].integer);

  // Every parameter (and its gradient) is a 64-byte aligned view into the
  // arenas, the views do not overlap, and gradients sit at the same offset.
  const float* values = g.values().data();
  const float* grads = g.grads().data();
  int64_t previous_end = 0;
  for (size_t i = 0; i < g.size(); ++i)
    for (minima::Param* p : g.layer(i).params()) {
      CHECK(p->value.is_view());
      const int64_t offset = p->value.data() - values;
      CHECK(offset >= previous_end);
      CHECK(reinterpret_cast<std::uintptr_t>(p->value.data()) % 64 == 0);
      CHECK(p->grad.data() - grads == offset);
      previous_end = offset + p->value.numel();
    }
  CHECK(previous_end <= g.values().numel());

  // zero_grad clears the whole arena.
  g.grads().fill(3.0f);
  g.zero_grad();
  for (int64_t k = 0; k < g.grads().numel(); ++k) REQUIRE(g.grads()[k] == 0.0f);
}

TEST_CASE("graph: each layer's init depends only on the seed and its name") {
  Graph a = Graph::from_json(json::parse(kMlp), "/m");
  a.build(Shape{4}, 5);
  // The same net with an extra tanh: fc1 and fc2 start from the same weights.
  Graph b = Graph::from_json(json::parse(R"([
      {"type": "dense", "units": 6, "name": "fc1"}, {"type": "tanh"}, {"type": "batchnorm", "name": "bn1"},
      {"type": "relu"}, {"type": "dense", "units": 3, "name": "fc2", "init": "xavier"}])"),
                             "/m");
  b.build(Shape{4}, 5);
  Graph c = Graph::from_json(json::parse(kMlp), "/m");
  c.build(Shape{4}, 6);
  for (const char* name : {"fc1", "fc2"}) {
    CAPTURE(name);
    const Tensor& wa = a.find(name)->params()[0]->value;
    const Tensor& wb = b.find(name)->params()[0]->value;
    const Tensor& wc = c.find(name)->params()[0]->value;
    bool same_b = true, same_c = true;
    for (int64_t k = 0; k < wa.numel(); ++k) {
      same_b = same_b && wa[k] == wb[k];
      same_c = same_c && wa[k] == wc[k];
    }
    CHECK(same_b);
    CHECK_FALSE(same_c);  // another seed, other weights
  }
  CHECK_FALSE(a.find("fc1")->params()[0]->value[0] == a.find("fc2")->params()[0]->value[0]);
}

TEST_CASE("graph: config() round-trips through from_json, in topological order") {
  // Listed out of order: "fc" is defined after the layer that reads it.
  Graph g = Graph::from_json(json::parse(R"([
      {"type": "batchnorm", "name": "bn", "inputs": ["fc"], "momentum": null, "affine": false},
      {"type": "dense", "units": 6, "name": "fc", "inputs": ["input"]},
      {"type": "sigmoid", "inputs": ["bn"]},
      {"type": "dense", "units": 2, "init": "gaussian", "std": 0.5, "bias": false}])"),
                             "/m");
  g.build(Shape{3}, 1);
  const json config = g.config();
  CHECK(config == json::parse(R"([
      {"type": "dense", "name": "fc", "units": 6, "bias": true, "init": "he"},
      {"type": "batchnorm", "name": "bn", "eps": 1e-5, "momentum": null, "affine": false, "track_running_stats": true,
       "sync": false, "running_var": "unbiased", "normalize": "full"},
      {"type": "sigmoid", "name": "sigmoid1"},
      {"type": "dense", "name": "dense1", "units": 2, "bias": false, "init": "gaussian", "std": 0.5}])"));
  Graph again = Graph::from_json(config, "/m");
  again.build(Shape{3}, 1);
  CHECK(again.config() == config);
  CHECK(again.num_params() == g.num_params());
}

TEST_CASE("graph: forward and backward equal the layers called in order, param grads accumulate") {
  minima::Rng rng(9);
  Graph g = Graph::from_json(json::parse(kMlp), "/m");
  g.build(Shape{4}, 3);
  const Tensor x = minima::test::random_normal(Shape{5, 4}, rng);
  const Tensor dy = minima::test::random_normal(Shape{5, 3}, rng);
  const Tensor y = g.forward(x, Mode::Train);
  g.zero_grad();
  g.backward(dy);
  const Tensor grads_once = g.grads();

  // By hand, through the same layer objects.
  const Tensor* h = &x;  // each layer keeps a pointer to its input until backward
  for (size_t i = 0; i < g.size(); ++i) h = &g.layer(i).forward(*h, Mode::Train);
  minima::test::check_close(y, *h, 0, 0,
                            "graph output vs. layers by hand");  // the same operations: bit-equal
  Tensor d = dy;
  g.zero_grad();
  for (size_t i = g.size(); i-- > 0;) {
    g.layer(i).backward(d);
    d = g.layer(i).input_grad();
  }
  minima::test::check_close(g.grads(), grads_once, 0, 0, "graph grads vs. layers by hand");

  // A second backward adds the same gradients again.
  g.zero_grad();
  g.forward(x, Mode::Train);
  g.backward(dy);
  g.backward(dy);
  Tensor twice = grads_once;
  for (int64_t k = 0; k < twice.numel(); ++k) twice[k] *= 2.0f;
  // BLAS adds dy^T x into the gradient in one fused step, so a gradient that is
  // ~0 (fc1's bias, cancelled by BN) may differ by float rounding (1e-7).
  minima::test::check_close(g.grads(), twice, 1e-6, 1e-6, "two backwards accumulate");
}

TEST_CASE("graph: add/build misuse") {
  Graph g;
  CHECK_THROWS_AS(g.build(Shape{2}, 1), std::invalid_argument);  // no layers
  Graph h;
  h.add(minima::create_layer(json{{"type", "dense"}, {"units", 2}}, "/x"));
  h.build(Shape{3}, 1);
  CHECK_THROWS_AS(h.build(Shape{3}, 1), std::logic_error);
  CHECK_THROWS_AS(h.add(minima::create_layer(json{{"type", "relu"}}, "/x")), std::logic_error);
  CHECK(h.layer(0).name() == "dense1");
}

TEST_CASE("graph: infer_shapes gives the output shape without parameter storage") {
  const json layers = json::parse(R"([{"type": "dense", "units": 5}, {"type": "relu"},
                                      {"type": "dense", "units": 3}])");
  Graph shaped = Graph::from_json(layers, "/model/layers");
  CHECK(shaped.infer_shapes(Shape{4}) == Shape{3});
  CHECK(shaped.values().empty());
  for (const minima::Param* p : shaped.layer(0).params()) {
    CHECK(p->value.empty());
    CHECK(p->shape.numel() > 0);
  }
  CHECK_THROWS_AS(shaped.add(minima::create_layer(json{{"type", "relu"}}, "/x")), std::logic_error);
  // build() then gives storage and initial values, as without infer_shapes.
  CHECK_THROWS_AS(shaped.build(Shape{6}, 1), std::logic_error);
  shaped.build(Shape{4}, 1);
  Graph direct = Graph::from_json(layers, "/model/layers");
  direct.build(Shape{4}, 1);
  REQUIRE(shaped.num_params() == 5 * 4 + 5 + 3 * 5 + 3);
  REQUIRE(direct.num_params() == shaped.num_params());
  for (int64_t k = 0; k < direct.values().numel(); ++k)
    REQUIRE(shaped.values()[k] == direct.values()[k]);
}

TEST_CASE("graph: images are fed as the first layers want them, flat for dense") {
  auto fed = [](const char* layers, Shape data) {
    Graph g = Graph::from_json(json::parse(layers), "/model/layers");
    g.build(data, 1);
    return g.input_shape();
  };
  const Shape image{1, 4, 4};
  CHECK(fed(R"([{"type": "conv2d", "out_channels": 2, "kernel": 3}, {"type": "flatten"},
                {"type": "dense", "units": 3}])",
            image) == image);
  CHECK(fed(R"([{"type": "maxpool2d", "kernel": 2}, {"type": "flatten"},
                {"type": "dense", "units": 3}])",
            image) == image);
  CHECK(fed(R"([{"type": "dense", "units": 3}])", image) == Shape{16});
  // Layers that take any form are looked through: BN per pixel before dense,
  // per channel before conv2d.
  CHECK(fed(R"([{"type": "batchnorm"}, {"type": "dense", "units": 3}])", image) == Shape{16});
  CHECK(fed(R"([{"type": "batchnorm"}, {"type": "conv2d", "out_channels": 2, "kernel": 3},
                {"type": "flatten"}, {"type": "dense", "units": 3}])",
            image) == image);
  // Nobody cares: the data as it is.
  CHECK(fed(R"([{"type": "relu"}])", image) == image);

  std::string pointer;
  CHECK(graph_error(R"([{"type": "conv2d", "out_channels": 1, "kernel": 3, "name": "c"},
                        {"type": "flatten"},
                        {"type": "dense", "units": 4, "name": "d", "inputs": ["input"]},
                        {"type": "concat", "inputs": ["flatten1", "d"]}])",
                    image, &pointer) ==
        "/model/layers/2: layer 'd' wants the network input as a flat vector but layer 'c' as "
        "an image");
}

TEST_CASE("graph: a batch of images is read in the fed shape") {
  Graph g = Graph::from_json(json::parse(kMlp), "/model/layers");
  g.build(Shape{1, 2, 2}, 1);
  REQUIRE(g.input_shape() == Shape{4});
  Tensor images(Shape{3, 1, 2, 2});
  minima::Rng rng(5);
  for (int64_t i = 0; i < images.numel(); ++i) images[i] = rng.normal();
  Tensor flat = images;
  flat.resize(Shape{3, 4});
  const Tensor from_images = g.forward(images, Mode::Eval);
  minima::test::check_close(g.forward(flat, Mode::Eval), from_images, 0, 0, "same values");
  CHECK_THROWS_WITH_AS(g.forward(Tensor(Shape{3, 1, 2, 3}), Mode::Eval),
                       "layer 'fc1' (dense) input 0: expected shape [3, 4] but got [3, 1, 2, 3]",
                       std::invalid_argument);
}

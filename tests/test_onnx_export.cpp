// The ONNX writer: the protobuf wire format on known vectors, a hand-built
// model's exact bytes (as onnx.helper makes and serializes the same model),
// the nodes and initializers layers write, and the errors.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <minima/io/onnx_file.hpp>
#include <minima/io/protobuf_writer.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/onnx_graph.hpp>
#include "tests/cli_runner.hpp"
#include "tests/hex_bytes.hpp"
#include "tests/support.hpp"
#include "tests/temp_dir.hpp"

namespace minima {
namespace {

Graph onnx_test_graph(const std::string& layers, Shape sample) {
  Graph g = Graph::from_json(json::parse(layers), "/model/layers");
  g.build(sample, 1);
  return g;
}

}  // namespace

TEST_CASE("protobuf writer: varints and fields as the encoding guide writes them") {
  std::string out;
  for (uint64_t v : {uint64_t(0), uint64_t(1), uint64_t(127), uint64_t(128), uint64_t(150),
                     uint64_t(300), ~uint64_t(0)})
    append_varint(out, v);
  CHECK(test::hex_bytes(out) == "00017f80019601ac02ffffffffffffffffff01");

  ProtobufWriter w;
  w.varint_field(1, 150);       // 08 96 01
  w.bytes_field(2, "testing");  // 12 07 "testing"
  w.int64_field(3, -2);         // 18 fe ff ff ff ff ff ff ff ff 01: two's complement
  w.double_field(1, 1.0);       // 09 + 8 bytes little-endian
  w.float_field(2, 1.0f);       // 15 + 4 bytes little-endian
  const std::vector<double> values = {0.5, -1.0};
  w.packed_doubles(6, values);  // 32 10 + 16 bytes
  CHECK(test::hex_bytes(w.bytes()) ==
        "089601"
        "120774657374696e67"
        "18feffffffffffffffff01"
        "09000000000000f03f"
        "150000803f"
        "3210000000000000e03f000000000000f0bf");
}

TEST_CASE("onnx: a hand-built Gemm + Relu model has onnx.helper's exact bytes") {
  OnnxGraph g;
  g.input = {"input", {2}};
  g.output = {"logits", {1}};
  g.nodes.push_back({"Gemm", "fc", {"input", "fc.weight", "fc.bias"}, {"fc"}, {}});
  g.nodes.back().attribute("transB", int64_t(1));
  g.nodes.push_back({"Relu", "relu", {"fc"}, {"logits"}, {}});
  g.initializers.push_back({"fc.weight", {1, 2}, {0.5f, -2.0f}});
  g.initializers.push_back({"fc.bias", {1}, {0.25f}});
  // onnx 1.12: helper.make_model(make_graph(...), producer_name="minima",
  // opset_imports=[make_opsetid("", 17)]), ir_version 8, .SerializeToString()
  CHECK(test::hex_bytes(onnx_model_bytes(g)) ==
        "080812066d696e696d613ac3010a380a05696e7075740a0966632e7765696768740a0766632e626961731202"
        "66631a026663220447656d6d2a0d0a067472616e73421801a001020a180a02666312066c6f676974731a0472"
        "656c75220452656c7512066d696e696d612a1b080108021001420966632e7765696768744a080000003f0000"
        "00c02a1308011001420766632e626961734a040000803e5a180a05696e707574120f0a0d080112090a031201"
        "4e0a02080262190a066c6f67697473120f0a0d080112090a0312014e0a02080142040a001011");
}

TEST_CASE("onnx: each layer writes its nodes, the weights keep their state_dict names") {
  Graph g = onnx_test_graph(
      R"([{"type": "conv2d", "name": "conv1", "out_channels": 2, "kernel": 3, "padding": 1},
          {"type": "batchnorm", "name": "bn1"}, {"type": "tanh"},
          {"type": "maxpool2d", "kernel": 2}, {"type": "dense", "name": "fc1", "units": 4},
          {"type": "dropout", "p": 0.5}, {"type": "relu", "name": "act"},
          {"type": "dense", "name": "fc2", "units": 4, "inputs": ["act"]},
          {"type": "add", "name": "sum", "inputs": ["act", "fc2"]},
          {"type": "concat", "inputs": ["sum", "act"]},
          {"type": "dense", "name": "out", "units": 3}])",
      Shape{1, 6, 6});
  const OnnxGraph onnx = onnx_graph(g);
  std::vector<std::string> ops, outputs;
  for (const OnnxNode& n : onnx.nodes) {
    ops.push_back(n.op_type);
    outputs.push_back(n.outputs.at(0));
  }
  CHECK(ops == std::vector<std::string>{"Conv", "BatchNormalization", "Tanh", "MaxPool", "Flatten",
                                        "Gemm", "Identity", "Relu", "Gemm", "Add", "Concat",
                                        "Gemm"});
  CHECK(onnx.nodes[4].outputs.at(0) == "fc1/flatten0");  // dense flattens an image first
  CHECK(onnx.nodes[0].inputs == std::vector<std::string>{"input", "conv1.weight", "conv1.bias"});
  CHECK(outputs.back() == "logits");
  CHECK(onnx.input.dims == std::vector<int64_t>{1, 6, 6});
  CHECK(onnx.output.dims == std::vector<int64_t>{3});
  std::vector<std::string> names;
  for (const OnnxInitializer& t : onnx.initializers) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias",
                                          "bn1.running_mean", "bn1.running_var", "fc1.weight",
                                          "fc1.bias", "fc2.weight", "fc2.bias", "out.weight",
                                          "out.bias"});
  CHECK(onnx.initializers[0].dims == std::vector<int64_t>{2, 1, 3, 3});
  CHECK(onnx.initializers[5].values == std::vector<float>{1, 1});  // running_var starts at 1
}

// The BatchNormalization node's formula, y = scale (x - mean) / sqrt(var + epsilon) + B,
// evaluated on its initializers, against minima's Eval output, for each normalize.
TEST_CASE("onnx: batchnorm with normalize mean or variance is a BatchNormalization of the same y") {
  for (const char* normalize : {"full", "mean", "variance"}) {
    CAPTURE(normalize);
    const json layers = {{{"type", "batchnorm"}, {"name", "bn"}, {"normalize", normalize}}};
    Graph g = onnx_test_graph(layers.dump(), Shape{3});
    Rng rng(3);
    for (int step = 0; step < 3; ++step)  // running statistics away from 0 and 1
      g.forward(test::random_normal(Shape{8, 3}, rng, 2.0f, 3.0f), Mode::Train);
    for (Param* p : g.layer(0).params())
      for (int64_t k = 0; k < 3; ++k) p->value[k] = 0.5f + rng.uniform();
    const OnnxGraph onnx = onnx_graph(g);
    REQUIRE(onnx.nodes.size() == 1);
    const OnnxNode& node = onnx.nodes[0];
    CHECK(node.op_type == "BatchNormalization");
    auto initializer = [&](size_t input) {
      for (const OnnxInitializer& t : onnx.initializers)
        if (t.name == node.inputs.at(input)) return t.values;
      FAIL("no initializer " << node.inputs.at(input));
      return std::vector<float>{};
    };
    const std::vector<float> scale = initializer(1), shift = initializer(2), mean = initializer(3),
                             var = initializer(4);
    const Tensor x = test::random_normal(Shape{5, 3}, rng, 1.0f, 2.0f);
    const Tensor y = g.forward(x, Mode::Eval);
    for (int64_t j = 0; j < x.numel(); ++j) {
      const int64_t k = j % 3;
      const double expected =
          scale[k] * (double(x[j]) - mean[k]) / std::sqrt(double(var[k]) + 1e-5) + shift[k];
      CHECK(y[j] == doctest::Approx(expected).epsilon(1e-5));
    }
  }
}

TEST_CASE("onnx: a layer without an ONNX form is an error naming it") {
  Graph g = onnx_test_graph(
      R"([{"type": "dense", "units": 3},
          {"type": "batchnorm", "name": "bn1", "track_running_stats": false},
          {"type": "dense", "units": 2}])",
      Shape{4});
  CHECK_THROWS_WITH_AS(onnx_graph(g), doctest::Contains("layer 'bn1' (type batchnorm)"),
                       std::invalid_argument);
}

TEST_CASE("minima export: --onnx-fold-bn without --onnx is a command-line mistake") {
  test::TempDir dir("onnx_export");
  const test::CliResult r = test::run_cli({"export", dir.path(), "--onnx-fold-bn"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--onnx") != std::string::npos);
}

}  // namespace minima

#pragma once
// A model's inference graph in ONNX's terms (https://onnx.ai/onnx/intro/):
// nodes (an operator of the default domain, opset 17, with named input and
// output values and attributes) and initializers (the weights, named like
// the state_dict: "fc1.weight"). Each layer writes its own node(s) through
// an OnnxScope (Layer::to_onnx); io/onnx_file.hpp writes the graph as an
// ONNX model file.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <minima/nn/graph.hpp>

namespace minima {

struct OnnxAttribute {
  std::string name;
  std::variant<int64_t, float, std::vector<int64_t>> value;
};

struct OnnxNode {
  std::string op_type;  // "Gemm"
  std::string name;     // the layer's name, with a suffix if it writes several nodes
  std::vector<std::string> inputs, outputs;
  std::vector<OnnxAttribute> attributes;

  OnnxNode& attribute(std::string key, int64_t value);
  OnnxNode& attribute(std::string key, float value);
  OnnxNode& attribute(std::string key, std::vector<int64_t> values);
};

// A float32 tensor stored in the model.
struct OnnxInitializer {
  std::string name;
  std::vector<int64_t> dims;
  std::vector<float> values;
};

// A graph input or output: float32 [N, dims...], N symbolic.
struct OnnxValue {
  std::string name;
  std::vector<int64_t> dims;  // per sample
};

struct OnnxGraph {
  static constexpr int64_t kOpset = 17;
  static constexpr const char* kInputName = "input";
  static constexpr const char* kOutputName = "logits";

  OnnxValue input, output;
  std::vector<OnnxNode> nodes;  // in an order that computes inputs first
  std::vector<OnnxInitializer> initializers;
};

// What one layer sees of the graph while it writes its ONNX form.
class OnnxScope {
 public:
  OnnxScope(OnnxGraph& graph, const Layer& layer, std::vector<std::string> inputs,
            std::string output);

  // The names of the values the layer's inputs are, in order.
  const std::vector<std::string>& inputs() const { return inputs_; }
  // The name the layer's result must have.
  const std::string& output() const { return output_; }

  // Stores the layer's parameter or buffer `local_name` ("weight") as the
  // initializer "<layer>.<local_name>" and returns that name.
  std::string state(const std::string& local_name);
  // Stores `values` as the initializer "<layer>.<local_name>" (what a layer
  // needs beside its state, such as BatchNorm's gamma = 1 without affine).
  std::string constant(const std::string& local_name, std::vector<int64_t> dims,
                       std::vector<float> values);
  // A name for a value between two of the layer's nodes: "<layer>/<suffix>".
  std::string intermediate(const std::string& suffix) const;
  // Appends a node named after the layer ("<layer>/<suffix>" if a suffix is given).
  OnnxNode& node(std::string op_type, std::vector<std::string> inputs, std::string output,
                 const std::string& suffix = "");
  // The value `input` as [N, features]: itself when the layer's input
  // `index` is a feature vector, else a Flatten node's output.
  std::string flat_input(size_t index);

 private:
  OnnxGraph& graph_;
  const Layer& layer_;
  std::vector<std::string> inputs_;
  std::string output_;
};

// The Eval-mode computation of a built graph, fed "input" [N, input_shape()]
// and giving "logits" [N, output_shape()]. Throws std::invalid_argument
// naming the first layer that has no ONNX form.
OnnxGraph onnx_graph(const Graph& graph);

}  // namespace minima

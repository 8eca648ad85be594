#include <minima/nn/onnx_graph.hpp>

#include <stdexcept>

namespace minima {
namespace {

std::vector<int64_t> onnx_dims(const Shape& shape) {
  std::vector<int64_t> dims;
  for (int d = 0; d < shape.rank(); ++d) dims.push_back(shape[d]);
  return dims;
}

}  // namespace

OnnxNode& OnnxNode::attribute(std::string key, int64_t value) {
  attributes.push_back({std::move(key), value});
  return *this;
}

OnnxNode& OnnxNode::attribute(std::string key, float value) {
  attributes.push_back({std::move(key), value});
  return *this;
}

OnnxNode& OnnxNode::attribute(std::string key, std::vector<int64_t> values) {
  attributes.push_back({std::move(key), std::move(values)});
  return *this;
}

OnnxScope::OnnxScope(OnnxGraph& graph, const Layer& layer, std::vector<std::string> inputs,
                     std::string output)
    : graph_(graph), layer_(layer), inputs_(std::move(inputs)), output_(std::move(output)) {}

std::string OnnxScope::state(const std::string& local_name) {
  const Tensor* found = nullptr;
  for (const Param* p : layer_.params())
    if (p->name == local_name) found = &p->value;
  for (const Buffer* b : layer_.buffers())
    if (b->name == local_name) found = &b->value;
  if (!found)
    throw std::logic_error("ONNX export: layer '" + layer_.name() + "' has no tensor '" +
                           local_name + "'");
  return constant(local_name, onnx_dims(found->shape()),
                  std::vector<float>(found->data(), found->data() + found->numel()));
}

std::string OnnxScope::constant(const std::string& local_name, std::vector<int64_t> dims,
                                std::vector<float> values) {
  std::string name = layer_.name() + "." + local_name;
  graph_.initializers.push_back({name, std::move(dims), std::move(values)});
  return name;
}

std::string OnnxScope::intermediate(const std::string& suffix) const {
  return layer_.name() + "/" + suffix;
}

OnnxNode& OnnxScope::node(std::string op_type, std::vector<std::string> inputs, std::string output,
                          const std::string& suffix) {
  graph_.nodes.push_back({std::move(op_type),
                          suffix.empty() ? layer_.name() : intermediate(suffix),
                          std::move(inputs),
                          {std::move(output)},
                          {}});
  return graph_.nodes.back();
}

std::string OnnxScope::flat_input(size_t index) {
  if (layer_.input_shapes().at(index).rank() == 1) return inputs_.at(index);
  const std::string flat = intermediate("flatten" + std::to_string(index));
  node("Flatten", {inputs_.at(index)}, flat, "flatten" + std::to_string(index))
      .attribute("axis", int64_t(1));
  return flat;
}

OnnxGraph onnx_graph(const Graph& graph) {
  OnnxGraph out;
  out.input = {OnnxGraph::kInputName, onnx_dims(graph.input_shape())};
  out.output = {OnnxGraph::kOutputName, onnx_dims(graph.output_shape())};
  // A layer's result is the value named after it, the last layer's "logits".
  auto value_name = [&](const std::string& layer_name) -> std::string {
    if (layer_name == Graph::kInputName) return OnnxGraph::kInputName;
    if (layer_name == graph.layer(graph.size() - 1).name()) return OnnxGraph::kOutputName;
    return layer_name;
  };
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& layer = graph.layer(i);
    std::vector<std::string> inputs;
    for (const std::string& in : graph.inputs_of(i)) inputs.push_back(value_name(in));
    OnnxScope scope(out, layer, inputs, value_name(layer.name()));
    layer.to_onnx(scope);
  }
  return out;
}

}  // namespace minima

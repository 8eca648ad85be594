#include "cli/compare/probe.hpp"

#include <set>

#include <minima/config/config_object.hpp>
#include "cli/compare/convergence.hpp"

namespace minima {
namespace {

bool is_activation(const Layer& layer) {
  static const std::set<std::string> types = {"relu", "sigmoid", "tanh"};
  return types.count(layer.type()) > 0;
}

std::string layer_names(const Graph& model) {
  std::string names;
  for (size_t i = 0; i < model.size(); ++i) names += (i ? ", " : "") + model.layer(i).name();
  return names;
}

// The first activation that takes layer `name` as its input, or "".
std::string activation_fed_by(const Graph& model, const std::string& name) {
  for (size_t j = 0; j < model.size(); ++j)
    for (const std::string& in : model.inputs_of(j))
      if (in == name && is_activation(model.layer(j))) return model.layer(j).name();
  return "";
}

}  // namespace

ProbeTarget resolve_probe(const Graph& model, const ProbeSpec& spec) {
  ProbeTarget target;
  target.unit = spec.unit;
  if (spec.layer.empty()) {
    // The last activation before the output layer, and what feeds it.
    size_t act = model.size();
    for (size_t i = 0; i + 1 < model.size(); ++i)
      if (is_activation(model.layer(i))) act = i;
    if (act == model.size())
      throw ConfigError(
          "/probe/layer",
          "the model has no hidden relu, sigmoid or tanh layer; name a layer to follow (" +
              layer_names(model) + ")");
    target.name = model.inputs_of(act).at(0);
    if (target.name == Graph::kInputName)
      throw ConfigError(
          "/probe/layer",
          "the last hidden activation reads the network input; name a layer to follow (" +
              layer_names(model) + ")");
  } else {
    target.name = spec.layer;
  }
  target.layer = model.size();
  for (size_t i = 0; i < model.size(); ++i)
    if (model.layer(i).name() == target.name) target.layer = i;
  if (target.layer == model.size())
    throw ConfigError("/probe/layer",
                      "no layer named '" + target.name + "' (layers: " + layer_names(model) + ")");
  const int64_t units = model.layer(target.layer).output_shape().numel();
  if (target.unit >= units)
    throw ConfigError("/probe/unit", "layer " + target.name + " has " + std::to_string(units) +
                                         " units, so unit " + std::to_string(target.unit) +
                                         " does not exist");
  const std::string activation = activation_fed_by(model, target.name);
  target.label = (activation.empty() ? target.name + " output"
                                     : "input to " + activation + " (" + target.name + ")") +
                 ", unit " + std::to_string(target.unit);
  return target;
}

ProbePoint probe_percentiles(Graph& model, const Tensor& x, const ProbeTarget& target,
                             int64_t step) {
  model.forward(x, Mode::Eval);
  const Tensor& out = model.layer(target.layer).output();
  std::vector<double> values(size_t(out.dim(0)));
  for (int64_t i = 0; i < out.dim(0); ++i) values[size_t(i)] = out.at(i, target.unit);
  const std::vector<double> p = percentiles(std::move(values), {15, 50, 85});
  return {step, p[0], p[1], p[2]};
}

}  // namespace minima

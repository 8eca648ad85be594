#include <minima/lesson/probes/probes.hpp>

#include <minima/config/config_object.hpp>
#include <minima/core/format.hpp>
#include <minima/lesson/statistics.hpp>
#include <minima/nn/layer_registry.hpp>

namespace minima::lesson {
namespace {

// "relu, sigmoid or tanh": the registered activations.
std::string probe_activation_words() {
  std::vector<std::string> types = activation_types();
  if (types.size() < 2) return joined(types);
  const std::string last = types.back();
  types.pop_back();
  return joined(types) + " or " + last;
}

std::string layer_names(const Graph& model) {
  std::string names;
  for (size_t i = 0; i < model.size(); ++i) names += (i ? ", " : "") + model.layer(i).name();
  return names;
}

}  // namespace

UnitLayout unit_layout(const Shape& sample_shape) {
  if (sample_shape.rank() == 3)
    return {sample_shape[0], sample_shape[1] * sample_shape[2], "channel"};
  return {sample_shape.numel(), 1, "unit"};
}

std::vector<ProbeTarget> resolve_probes(const Graph& model, const ProbeSettings& spec) {
  std::vector<ProbeTarget> targets;
  if (!spec.layer.empty()) {
    const size_t i = model.index_of(spec.layer);
    if (i == model.size())
      throw ConfigError("/probe/layer",
                        "no layer named '" + spec.layer + "' (layers: " + layer_names(model) + ")");
    targets.push_back(
        {i, spec.layer, spec.layer + " output", unit_layout(model.layer(i).output_shape()).word});
    return targets;
  }
  for (size_t a : hidden_activations(model)) {
    const std::string input = model.inputs_of(a).at(0);
    const size_t i = model.index_of(input);
    targets.push_back({i, input, "input to " + model.layer(a).name() + " (" + input + ")",
                       unit_layout(model.layer(i).output_shape()).word});
  }
  if (targets.empty())
    throw ConfigError("/probe/layer", "the model has no hidden " + probe_activation_words() +
                                          " layer; name a layer to follow (" + layer_names(model) +
                                          ")");
  return targets;
}

void probe_units(Graph& model, const Tensor& x, const std::vector<ProbeTarget>& targets,
                 int64_t step, std::vector<LayerTraces>& traces) {
  model.forward(x, Mode::Eval);
  traces.resize(targets.size());
  const int64_t n = x.dim(0);
  std::vector<double> values;
  for (size_t t = 0; t < targets.size(); ++t) {
    const Layer& layer = model.layer(targets[t].layer);
    const Tensor& out = layer.output();
    const UnitLayout l = unit_layout(layer.output_shape());
    traces[t].resize(size_t(l.units));
    values.resize(size_t(n * l.positions));
    for (int64_t u = 0; u < l.units; ++u) {
      for (int64_t i = 0; i < n; ++i)
        for (int64_t s = 0; s < l.positions; ++s)
          values[size_t(i * l.positions + s)] = out[(i * l.units + u) * l.positions + s];
      const std::vector<double> p = percentiles(values, {15, 50, 85});
      traces[t][size_t(u)].push_back({step, p[0], p[1], p[2]});
    }
  }
}

}  // namespace minima::lesson

#include <minima/nn/fold_batchnorm.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace minima {
namespace {

// A layer's parameter or buffer by its local name ("weight", "running_var"), or nullptr.
Tensor* tensor_of(const Layer& layer, const std::string& local_name) {
  for (Param* p : layer.params())
    if (p->name == local_name) return &p->value;
  for (Buffer* b : layer.buffers())
    if (b->name == local_name) return &b->value;
  return nullptr;
}

Tensor& required_tensor(const Layer& layer, const std::string& local_name) {
  Tensor* t = tensor_of(layer, local_name);
  if (!t)
    throw std::logic_error("fold_batchnorm: layer '" + layer.name() + "' has no '" + local_name +
                           "'");
  return *t;
}

// Copies values into `to` in place (it may be a view into a graph's arena).
void copy_values(const Tensor& from, Tensor& to) {
  check_shape(from, to.shape(), "fold_batchnorm");
  std::copy(from.data(), from.data() + from.numel(), to.data());
}

// What a BatchNorm folds into (LayerTraits::accepts_folded_scale), in words.
constexpr const char* kFoldTarget =
    "a layer BN can fold into (one whose outputs are weight rows times the input plus a bias, "
    "like dense or conv2d)";

// For each BatchNorm (a layer that normalizes over the batch) that can be
// folded: its index -> the index of the layer it folds into (one that
// accepts a folded scale: Dense, Conv2d). Reasons for the others go to
// `skipped`.
std::map<size_t, size_t> foldable_pairs(const Graph& graph, std::vector<std::string>& skipped) {
  std::map<std::string, size_t> index, uses;
  for (size_t i = 0; i < graph.size(); ++i) {
    index[graph.layer(i).name()] = i;
    for (const std::string& in : graph.inputs_of(i)) ++uses[in];
  }
  std::map<size_t, size_t> pairs;
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& bn = graph.layer(i);
    if (!bn.traits().normalizes_over_batch) continue;
    const std::string& input = graph.inputs_of(i).at(0);
    const auto weighted = index.find(input);
    const std::string its_input = bn.name() + ": its input '" + input + "'";
    if (weighted == index.end())
      skipped.push_back(its_input + " is the network's input, not " + kFoldTarget);
    else if (!graph.layer(weighted->second).traits().accepts_folded_scale)
      skipped.push_back(its_input + " (" + graph.layer(weighted->second).type() + ") is not " +
                        kFoldTarget);
    else if (uses[input] != 1)
      skipped.push_back(bn.name() + ": the output of '" + input + "' also feeds other layers");
    else if (!tensor_of(bn, "running_mean"))
      skipped.push_back(bn.name() +
                        ": without running statistics, Eval mode normalizes with batch statistics");
    else
      pairs[i] = weighted->second;
  }
  return pairs;
}

// The folded layer's weight [H, D] (Dense) or [O, C, k, k] (Conv2d) and
// bias [H] or [O] (see the header for the math and the names read).
void fold_into(const Layer& weighted, const Layer& bn, Tensor& weight, Tensor& bias) {
  const Tensor& w = required_tensor(weighted, "weight");
  const Tensor* b = tensor_of(weighted, "bias");
  const Tensor& mean = required_tensor(bn, "running_mean");
  const Tensor& var = required_tensor(bn, "running_var");
  const Tensor* gamma = tensor_of(bn, "weight");  // none without affine parameters
  const Tensor* beta = tensor_of(bn, "bias");
  const json config = bn.config();
  const double eps = config.at("eps").get<double>();
  const std::string normalize = config.value("normalize", "full");  // full, mean or variance
  const int64_t units = w.dim(0), inputs = w.numel() / units;
  for (int64_t k = 0; k < units; ++k) {
    // "mean": s_k = gamma_k (no division); "variance": mean_k taken as 0 (no subtraction).
    const double divisor = normalize == "mean" ? 1.0 : std::sqrt(double(var[k]) + eps);
    const double s = (gamma ? (*gamma)[k] : 1.0) / divisor;
    const double mean_k = normalize == "variance" ? 0.0 : double(mean[k]);
    for (int64_t j = 0; j < inputs; ++j) weight[k * inputs + j] = float(s * w[k * inputs + j]);
    bias[k] = float(s * ((b ? (*b)[k] : 0.0) - mean_k) + (beta ? (*beta)[k] : 0.0));
  }
}

}  // namespace

FoldedModel fold_batchnorm(Graph& graph) {
  FoldedModel result;
  const std::map<size_t, size_t> pairs = foldable_pairs(graph, result.skipped);
  std::map<std::string, std::string> renamed;  // folded BatchNorm -> its Dense or Conv2d
  std::map<size_t, size_t> weighted_to_bn;
  for (const auto& [bn, weighted] : pairs) {
    renamed[graph.layer(bn).name()] = graph.layer(weighted).name();
    weighted_to_bn[weighted] = bn;
    result.folded.push_back(graph.layer(weighted).name() + " + " + graph.layer(bn).name());
  }

  // The layer list: each folded layer moves to its BatchNorm's place (so the
  // output layer stays last); inputs are written only where they are not
  // the default (the layer above).
  const json old_layers = graph.config();
  result.layers = json::array();
  for (size_t i = 0; i < graph.size(); ++i) {
    if (weighted_to_bn.count(i)) continue;
    const auto pair = pairs.find(i);
    const size_t source = pair == pairs.end() ? i : pair->second;
    json spec = old_layers[source];
    if (pair != pairs.end()) spec["bias"] = true;
    std::vector<std::string> inputs = graph.inputs_of(source);
    for (std::string& in : inputs)
      if (renamed.count(in)) in = renamed[in];
    const std::string above =
        result.layers.empty() ? Graph::kInputName : result.layers.back()["name"].get<std::string>();
    spec.erase("inputs");
    if (inputs != std::vector<std::string>{above}) spec["inputs"] = inputs;
    result.layers.push_back(spec);
  }

  result.graph = Graph::from_json(result.layers, "/model/layers");
  result.graph.build(graph.input_shape(), 0);
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& old_layer = graph.layer(i);
    if (pairs.count(i)) continue;  // a folded BatchNorm: gone
    const Layer& new_layer = *result.graph.find(old_layer.name());
    if (const auto bn = weighted_to_bn.find(i); bn != weighted_to_bn.end()) {
      fold_into(old_layer, graph.layer(bn->second), required_tensor(new_layer, "weight"),
                required_tensor(new_layer, "bias"));
      continue;
    }
    for (Param* p : new_layer.params()) copy_values(required_tensor(old_layer, p->name), p->value);
    for (Buffer* b : new_layer.buffers())
      copy_values(required_tensor(old_layer, b->name), b->value);
  }
  return result;
}

}  // namespace minima

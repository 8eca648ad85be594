#include <minima/nn/graph.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>

#include <minima/core/format.hpp>
#include <minima/core/parallel.hpp>
#include <minima/nn/layer_registry.hpp>

namespace minima {
namespace {
constexpr int64_t kArenaAlign = 16;  // floats: each parameter starts on a 64-byte boundary

// Runs `call`, reporting its duration to `timer` when one is set.
template <class Call>
void timed(const Graph::LayerTimer& timer, size_t layer, bool backward, Call&& call) {
  if (!timer) return call();
  const auto start = std::chrono::steady_clock::now();
  call();
  timer(layer, backward,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}
}  // namespace

std::string Graph::where(const Node& n) const {
  return n.pointer.empty() ? "layer '" + n.layer->name() + "'" : n.pointer;
}

Layer& Graph::add(std::unique_ptr<Layer> layer, std::vector<std::string> inputs,
                  std::string pointer) {
  if (shaped_) throw std::logic_error("Graph::add after infer_shapes() or build()");
  if (layer->name().empty()) {
    int k = 1;
    auto taken = [&](const std::string& s) {
      return std::any_of(nodes_.begin(), nodes_.end(),
                         [&](const Node& n) { return n.layer->name() == s; });
    };
    while (taken(layer->type() + std::to_string(k))) ++k;
    layer->set_name(layer->type() + std::to_string(k));
  }
  Node node;
  node.layer = std::move(layer);
  node.input_names = std::move(inputs);
  node.pointer = std::move(pointer);
  nodes_.push_back(std::move(node));
  return *nodes_.back().layer;
}

Graph Graph::from_json(const json& layers, const std::string& pointer) {
  if (!layers.is_array() || layers.empty())
    throw ConfigError(pointer, "expected a non-empty list of layers [{\"type\": ...}, ...]");
  Graph g;
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string at = pointer + "/" + std::to_string(i);
    const json& spec = layers[i];
    std::unique_ptr<Layer> layer = create_layer(spec, at);
    ConfigObject names(spec, at);
    layer->set_name(names.get<std::string>("name", ""));
    if (spec.contains("name")) names.expect(!layer->name().empty(), "name", "a non-empty string");
    g.add(std::move(layer), names.get<std::vector<std::string>>("inputs", {}), at);
  }
  return g;
}

void Graph::resolve_inputs() {
  std::map<std::string, int> index;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const std::string& name = nodes_[i].layer->name();
    if (name == kInputName)
      throw ConfigError(where(nodes_[i]) + "/name", "'input' is reserved for the network input");
    if (!index.emplace(name, int(i)).second)
      throw ConfigError(where(nodes_[i]) + "/name", "duplicate layer name '" + name + "'");
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    if (n.input_names.empty()) n.input_names = {i == 0 ? kInputName : nodes_[i - 1].layer->name()};
    n.inputs.clear();
    for (size_t j = 0; j < n.input_names.size(); ++j) {
      const std::string& in = n.input_names[j];
      if (in == kInputName) {
        n.inputs.push_back(-1);
        continue;
      }
      auto it = index.find(in);
      if (it == index.end())
        throw ConfigError(where(n) + "/inputs/" + std::to_string(j), "unknown input '" + in + "'");
      if (it->second == int(i))
        throw ConfigError(where(n) + "/inputs/" + std::to_string(j),
                          "a layer cannot be its own input");
      n.inputs.push_back(it->second);
    }
  }
}

// Kahn's algorithm, taking ready nodes in list order so a chain keeps its order.
void Graph::sort_topologically() {
  const size_t count = nodes_.size();
  std::vector<int> pending(count, 0);
  std::vector<std::vector<int>> users(count);
  for (size_t i = 0; i < count; ++i)
    for (int in : nodes_[i].inputs)
      if (in >= 0) {
        ++pending[i];
        users[in].push_back(int(i));
      }
  for (size_t i = 0; i + 1 < count; ++i)
    if (users[i].empty())
      throw ConfigError(where(nodes_[i]),
                        "the output of '" + nodes_[i].layer->name() +
                            "' is never used (only the last layer may be the network output)");
  std::vector<int> order;
  std::vector<bool> done(count, false);
  while (order.size() < count) {
    size_t next = count;
    for (size_t i = 0; i < count && next == count; ++i)
      if (!done[i] && pending[i] == 0) next = i;
    if (next == count) {
      // Every unsorted layer waits on an unsorted input; walking back along
      // those inputs for `count` steps must end on a cycle.
      size_t stuck = 0;
      while (done[stuck]) ++stuck;
      for (size_t step = 0; step < count; ++step)
        for (int in : nodes_[stuck].inputs)
          if (in >= 0 && !done[in]) {
            stuck = size_t(in);
            break;
          }
      throw ConfigError(where(nodes_[stuck]) + "/inputs",
                        "layer '" + nodes_[stuck].layer->name() + "' is part of a cycle");
    }
    done[next] = true;
    order.push_back(int(next));
    for (int u : users[next]) --pending[u];
  }
  if (order.back() != int(count - 1))
    throw ConfigError(where(nodes_.back()), "the last layer must be the network output");
  // Reorder nodes and remap their input indices.
  std::vector<int> position(count);
  for (size_t p = 0; p < count; ++p) position[order[p]] = int(p);
  std::vector<Node> sorted;
  for (int i : order) sorted.push_back(std::move(nodes_[i]));
  for (Node& n : sorted)
    for (int& in : n.inputs)
      if (in >= 0) in = position[in];
  nodes_ = std::move(sorted);
}

// The form wanted by the layers the network input reaches directly or
// through layers that take any form; Any when none cares.
InputForm Graph::wanted_input_form() const {
  InputForm wanted = InputForm::Any;
  const Node* first = nullptr;  // the first layer that wants a form
  std::vector<bool> reached(nodes_.size(), false);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    reached[i] = std::any_of(n.inputs.begin(), n.inputs.end(), [&](int in) {
      return in < 0 || (reached[in] && nodes_[in].layer->input_form() == InputForm::Any);
    });
    const InputForm form = n.layer->input_form();
    if (!reached[i] || form == InputForm::Any) continue;
    if (first && form != wanted)
      throw ConfigError(where(n), "layer '" + n.layer->name() + "' wants the network input as " +
                                      (form == InputForm::Flat ? "a flat vector" : "an image") +
                                      " but layer '" + first->layer->name() + "' as " +
                                      (wanted == InputForm::Flat ? "a flat vector" : "an image"));
    wanted = form;
    first = &n;
  }
  return wanted;
}

Shape Graph::fed_shape(const Shape& data_shape) const {
  if (wanted_input_form() == InputForm::Flat) return Shape{data_shape.numel()};
  return data_shape;
}

const Shape& Graph::infer_shapes(const Shape& data_shape) {
  if (shaped_) throw std::logic_error("Graph::infer_shapes called twice");
  if (nodes_.empty()) throw std::invalid_argument("a network needs at least one layer");
  resolve_inputs();
  sort_topologically();
  input_shape_ = fed_shape(data_shape);
  int64_t param_count = 0;  // so far; checked per layer, before the next one allocates
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    std::vector<Shape> shapes;
    for (int in : n.inputs)
      shapes.push_back(in < 0 ? input_shape_ : nodes_[in].layer->output_shape());
    try {
      n.layer->build(shapes, ParamStorage::Owner);
      for (Param* p : n.layer->params()) param_count += p->shape.numel();
      if (param_count > max_tensor_bytes() / int64_t(sizeof(float)))
        throw std::runtime_error("the parameters up to this layer (" + std::to_string(param_count) +
                                 ") need " + format_bytes(param_count * int64_t(sizeof(float))) +
                                 " in one arena, more than the limit of " +
                                 format_bytes(max_tensor_bytes()) + " per tensor");
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& e) {
      throw ConfigError(where(n), e.what());
    }
    // Nobody reads the gradient of the network input: layers fed only by it
    // may skip computing their input gradient.
    n.layer->set_needs_input_grad(
        std::any_of(n.inputs.begin(), n.inputs.end(), [](int in) { return in >= 0; }));
    n.input_tensors.assign(n.inputs.size(), nullptr);
    for (size_t j = 0; j < n.inputs.size(); ++j)
      if (n.inputs[j] >= 0) {
        n.input_tensors[j] = &nodes_[n.inputs[j]].layer->output();
        nodes_[n.inputs[j]].consumers.emplace_back(int(i), int(j));
      }
  }
  shaped_ = true;
  return output_shape();
}

void Graph::build(const Shape& data_shape, uint64_t seed) {
  if (built_) throw std::logic_error("Graph::build called twice");
  if (!shaped_)
    infer_shapes(data_shape);
  else if (fed_shape(data_shape) != input_shape_)
    throw std::logic_error("Graph::build for input " + data_shape.str() +
                           " after infer_shapes for " + input_shape_.str());
  gather_params(seed);
  built_ = true;
}

void Graph::gather_params(uint64_t seed) {
  int64_t total = 0;
  for (Node& n : nodes_)
    for (Param* p : n.layer->params())
      total += (p->shape.numel() + kArenaAlign - 1) / kArenaAlign * kArenaAlign;
  values_ = Tensor(Shape{std::max<int64_t>(total, 1)});
  grads_ = Tensor(Shape{std::max<int64_t>(total, 1)});
  num_params_ = 0;
  int64_t offset = 0;
  for (Node& n : nodes_) {
    for (Param* p : n.layer->params()) {
      const Shape shape = p->shape;
      p->value = Tensor::view(values_.data() + offset, shape);
      p->grad = Tensor::view(grads_.data() + offset, shape);
      offset += (shape.numel() + kArenaAlign - 1) / kArenaAlign * kArenaAlign;
      num_params_ += shape.numel();
    }
    Rng rng = Rng::keyed(seed, n.layer->name());
    n.layer->init_params(rng);
  }
}

void Graph::zero_grad() {
  float* g = grads_.data();
  parallel_for(grads_.numel(), kParallelGrain,
               [=](int64_t begin, int64_t end) { std::fill(g + begin, g + end, 0.0f); });
}

const Shape& Graph::output_shape() const { return nodes_.back().layer->output_shape(); }

const Tensor& Graph::forward(const Tensor& x, Mode mode) {
  if (!built_) throw std::logic_error("Graph::forward before build()");
  const Tensor* input = &x;
  const int64_t batch = x.shape().rank() ? x.dim(0) : 0;
  if (x.shape().rank() && x.shape() != input_shape_.with_batch(batch) &&
      x.numel() == batch * input_shape_.numel()) {
    // The same values per sample in another shape: a view, no copy (layers never write inputs).
    input_view_ = Tensor::view(const_cast<float*>(x.data()), input_shape_.with_batch(batch));
    input = &input_view_;
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    for (size_t j = 0; j < n.inputs.size(); ++j)
      if (n.inputs[j] < 0) n.input_tensors[j] = input;
    timed(layer_timer_, i, false, [&] { n.layer->forward(n.input_tensors, mode); });
  }
  return nodes_.back().layer->output();
}

void Graph::backward(const Tensor& dy) {
  if (!built_) throw std::logic_error("Graph::backward before build()");
  for (size_t i = nodes_.size(); i-- > 0;) {
    Node& n = nodes_[i];
    const Tensor* grad = &dy;
    if (n.consumers.size() == 1) {
      grad = &nodes_[n.consumers[0].first].layer->input_grad(n.consumers[0].second);
    } else if (n.consumers.size() > 1) {
      // Fan-out: the output's gradient is the sum over its consumers.
      n.grad_sum = nodes_[n.consumers[0].first].layer->input_grad(n.consumers[0].second);
      for (size_t c = 1; c < n.consumers.size(); ++c) {
        const float* g =
            nodes_[n.consumers[c].first].layer->input_grad(n.consumers[c].second).data();
        float* sum = n.grad_sum.data();
        parallel_for(n.grad_sum.numel(), kParallelGrain, [=](int64_t begin, int64_t end) {
          for (int64_t k = begin; k < end; ++k) sum[k] += g[k];
        });
      }
      grad = &n.grad_sum;
    }
    timed(layer_timer_, i, true, [&] { n.layer->backward(*grad); });
  }
}

size_t Graph::index_of(const std::string& name) const {
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].layer->name() == name) return i;
  return nodes_.size();
}

Layer* Graph::find(const std::string& name) {
  const size_t i = index_of(name);
  return i < nodes_.size() ? nodes_[i].layer.get() : nullptr;
}

std::vector<StateEntry> Graph::state() {
  std::vector<StateEntry> entries;
  for (Node& n : nodes_)
    for (Param* p : n.layer->params())
      entries.push_back({n.layer->name() + "." + p->name, &p->value, true, false});
  for (Node& n : nodes_)
    for (Buffer* b : n.layer->buffers())
      entries.push_back({n.layer->name() + "." + b->name, &b->value, false, b->integer});
  return entries;
}

std::vector<std::pair<std::string, Rng*>> Graph::random_streams() {
  std::vector<std::pair<std::string, Rng*>> streams;
  for (Node& n : nodes_)
    if (Rng* stream = n.layer->random_stream()) streams.emplace_back(n.layer->name(), stream);
  return streams;
}

json Graph::config() const {
  json layers = json::array();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    json spec = {{"type", n.layer->type()}, {"name", n.layer->name()}};
    const bool default_inputs =
        n.input_names.empty() ||
        (n.input_names.size() == 1 &&
         n.input_names[0] == (i == 0 ? std::string(kInputName) : nodes_[i - 1].layer->name()));
    if (!default_inputs) spec["inputs"] = n.input_names;
    spec.update(n.layer->config());
    layers.push_back(spec);
  }
  return layers;
}

}  // namespace minima

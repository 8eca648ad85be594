#pragma once
// A network: layers wired into a directed acyclic graph. Each node has a
// name and the names of its inputs ("input" is the network's input; no
// inputs means "the previous layer"), so a plain list is a chain and a
// residual block is two extra names. The last layer is the output.
//
// All parameters live in one flat value arena with a matching gradient arena
// (each layer's Param tensors are views into them), so zeroing, updating and
// saving are one loop each.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

// One saved tensor of the model, named like a PyTorch state_dict entry.
struct StateEntry {
  std::string name;  // "fc1.weight", "bn1.running_var"
  Tensor* tensor;
  bool trainable;  // a Param (else a Buffer)
  bool integer;    // saved as int64 (num_batches_tracked)
};

class Graph {
 public:
  static constexpr const char* kInputName = "input";

  Graph() = default;
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;

  // Appends a layer. `inputs` name other layers or "input"; empty means the
  // previous layer (the network input for the first). A layer without a name
  // gets "<type><k>", e.g. "dense1". `pointer` locates it in a config.
  Layer& add(std::unique_ptr<Layer> layer, std::vector<std::string> inputs = {},
             std::string pointer = "");
  // The layers of a config's list (each {"type": ..., "name"?, "inputs"?, ...}).
  static Graph from_json(const json& layers, const std::string& pointer);

  // Checks the wiring and builds each layer for the data's per-sample
  // `data_shape`: shapes and parameter declarations only, no parameter
  // storage. Returns the network's per-sample output shape. Enough to check
  // a config; the graph cannot run until build(). Errors name the layer's
  // JSON pointer.
  // The network is fed the data in the form its first layers want
  // (Layer::input_form, looking through layers that take any form): an
  // image [C, H, W] stays one for conv2d or a pooling, and is flattened to
  // [C H W] for dense; input_shape() is the shape chosen.
  const Shape& infer_shapes(const Shape& data_shape);
  // infer_shapes() (unless done, for the same shape), then puts parameters
  // into the arenas and initialises them: layer L draws from
  // Rng::keyed(seed, L's name), so adding a layer leaves the others' weights
  // unchanged.
  void build(const Shape& data_shape, uint64_t seed);

  // x: [N, input_shape], or any [N, ...] with as many values per sample (a
  // batch of the data's shape), viewed as [N, input_shape] without a copy
  // -> output [N, output_shape].
  const Tensor& forward(const Tensor& x, Mode mode);
  // dy: gradient w.r.t. the last forward's output. Parameter gradients
  // accumulate; where a layer's output feeds several layers their
  // gradients are summed.
  void backward(const Tensor& dy);
  void zero_grad();

  // Profiling hook (`minima bench --profile`): while set, it is called after
  // each layer's forward or backward with the layer's index and the seconds
  // the call took. Unset (the default) it costs nothing.
  using LayerTimer = std::function<void(size_t layer, bool backward, double seconds)>;
  void set_layer_timer(LayerTimer timer) { layer_timer_ = std::move(timer); }

  Tensor& values() { return values_; }  // [P] all parameters
  Tensor& grads() { return grads_; }    // [P] their gradients
  int64_t num_params() const { return num_params_; }
  const Shape& input_shape() const { return input_shape_; }  // per sample, as fed
  const Shape& output_shape() const;

  size_t size() const { return nodes_.size(); }
  Layer& layer(size_t i) { return *nodes_[i].layer; }
  const Layer& layer(size_t i) const { return *nodes_[i].layer; }
  const std::vector<std::string>& inputs_of(size_t i) const { return nodes_[i].input_names; }
  // The index of the layer named `name`, or size() when there is none.
  size_t index_of(const std::string& name) const;
  // The layer named `name`, or nullptr.
  Layer* find(const std::string& name);

  // Every parameter then every buffer, in layer order.
  std::vector<StateEntry> state();
  // The layers' random streams (Layer::random_stream), by layer name.
  std::vector<std::pair<std::string, Rng*>> random_streams();
  // The layer list as a config: type, name, inputs (when not the default), keys.
  json config() const;

 private:
  struct Node {
    std::unique_ptr<Layer> layer;
    std::vector<std::string> input_names;
    std::string pointer;
    std::vector<int> inputs;                     // node indices, -1 = network input
    std::vector<const Tensor*> input_tensors;    // forward's arguments
    std::vector<std::pair<int, int>> consumers;  // (node, input slot)
    Tensor grad_sum;                             // when several consumers
  };
  std::string where(const Node& n) const;
  void resolve_inputs();
  void sort_topologically();
  void gather_params(uint64_t seed);
  InputForm wanted_input_form() const;
  Shape fed_shape(const Shape& data_shape) const;

  std::vector<Node> nodes_;  // in topological order after build()
  Shape input_shape_;
  Tensor input_view_;  // forward's input viewed as [N, input_shape_]
  Tensor values_, grads_;
  int64_t num_params_ = 0;
  bool shaped_ = false;  // infer_shapes() done
  bool built_ = false;
  LayerTimer layer_timer_;
};

}  // namespace minima

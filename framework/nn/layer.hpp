#pragma once
// The Layer API. A layer is built once from its inputs' per-sample shapes,
// then called forward (with a Mode, every call) and backward, any number of
// times. The base class owns that call order and checks every shape, so a
// layer only writes its math.
//
// Shape legend used in comments: N batch, D features in, H features out.
//
// The gradient rule, once for all layers: backward() OVERWRITES the input
// gradients and ACCUMULATES (+=) into parameter gradients; the owner clears
// parameter gradients with zero_grad() before each step.
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/core/rng.hpp>
#include <minima/core/tensor.hpp>

namespace minima {

enum class Mode { Train, Eval };

class OnnxScope;  // nn/onnx_graph.hpp

// The per-sample input a layer wants: a feature vector [D] (dense), an image
// [C, H, W] (conv2d, the poolings), or whatever it is given (the others).
// A Graph feeds its input in the form its first layers want (Graph::infer_shapes).
enum class InputForm { Any, Flat, Image };

// A trainable tensor and its gradient (same shape). Inside a Graph both are
// views into the graph's flat parameter and gradient arenas.
struct Param {
  std::string name;  // local name: "weight", "bias"
  Shape shape;       // declared in build; value and grad have it once given storage
  Tensor value;
  Tensor grad;
};

// Who gives a layer's parameters their storage when it is built: the layer
// itself (used on its own), or its owner, which points them into its arenas
// afterwards (a Graph; until then value and grad are empty).
enum class ParamStorage { Layer, Owner };

// Non-trainable state saved with the model (BatchNorm's running statistics).
struct Buffer {
  std::string name;  // local name: "running_mean"
  Tensor value;
  bool integer = false;  // holds a count; saved as int64 (num_batches_tracked)
};

// What an elementwise activation says about its output y = f(x), declared
// beside its forward and derivative (layers/activation.hpp). Probes and
// telemetry read it; nothing outside layers/ names an activation.
struct ActivationTraits {
  // The output range a histogram of y shows (its ends clamp): sigmoid [0, 1],
  // tanh [-1, 1]; an unbounded side is cut where the bulk lies (relu [0, 4]).
  double out_lo = 0, out_hi = 1;
  // The saturated region, where the slope is (nearly) 0: y <= saturated_below
  // or y >= saturated_above, bounds included (relu: y <= 0, its dead region);
  // an infinite bound is none.
  double saturated_below = -std::numeric_limits<double>::infinity();
  double saturated_above = std::numeric_limits<double>::infinity();
  // What the saturated share counts: the outputs in the region (sigmoid,
  // tanh), or the units (channels, after a convolution) whose every output
  // on the batch is in it, the dead ones (relu).
  enum class Count { Outputs, DeadUnits };
  Count count = Count::Outputs;
  // The region in words, for a chart title: "< 0.01 or > 0.99".
  const char* saturated_words = "";

  bool saturated(double y) const {
    return (std::isfinite(saturated_below) && y <= saturated_below) ||
           (std::isfinite(saturated_above) && y >= saturated_above);
  }
};

// What every layer of a type says about itself, so that code outside
// layers/ asks instead of comparing type names. A layer class declares its
// own once, beside its code, and returns them from traits():
//   static constexpr LayerTraits kTraits{.normalizes_over_batch = true};
//   const LayerTraits& traits() const override { return kTraits; }
// The registry reads the same constant (layer_entry), for code that holds
// only a config (layer_traits("batchnorm")).
struct LayerTraits {
  // An elementwise activation without keys (a model builder's "activation"),
  // or nullptr.
  const ActivationTraits* activation = nullptr;
  // Train mode normalizes each feature with statistics over the batch
  // (BatchNorm): training needs 2 or more samples per batch, and Eval mode
  // with running statistics is a fixed affine map that fold_batchnorm
  // folds into the layer before it.
  bool normalizes_over_batch = false;
  // Output feature k is weight row k times the input plus bias k (Dense,
  // Conv2d's output channel k): a per-feature scale and shift fold into it.
  bool accepts_folded_scale = false;

  bool operator==(const LayerTraits&) const = default;
};

class Layer {
 public:
  Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;
  virtual ~Layer() = default;

  // The registered type name ("dense") and the layer's settings as config
  // keys with defaults filled in (without "type", "name", "inputs").
  virtual std::string type() const = 0;
  virtual nlohmann::json config() const = 0;
  // Number of inputs the layer takes; 0 means "two or more" (add, concat).
  virtual int arity() const { return 1; }
  virtual InputForm input_form() const { return InputForm::Any; }
  // The traits of the layer's type (see LayerTraits); none by default.
  static constexpr LayerTraits kTraits{};
  virtual const LayerTraits& traits() const { return kTraits; }

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  // 1. Per-sample input shapes -> per-sample output shape, and the
  //    parameters declared with their shapes. Once.
  Shape build(const std::vector<Shape>& input_shapes, ParamStorage storage = ParamStorage::Layer);
  // 2. Fill parameters with their initial values (called after build).
  virtual void init_params(Rng& rng) { (void)rng; }
  // 3. Inputs are batches [N, ...]; returns the output [N, ...], a buffer the
  //    layer owns and reuses. Inputs must stay alive until backward().
  const Tensor& forward(std::span<const Tensor* const> inputs, Mode mode);
  const Tensor& forward(const Tensor& x, Mode mode);
  // 4. dy is the gradient of the loss w.r.t. the last forward's output.
  void backward(const Tensor& dy);

  const Tensor& output() const { return y_; }
  const Tensor& input_grad(int i = 0) const { return dx_[i]; }
  const Shape& output_shape() const { return output_shape_; }
  const std::vector<Shape>& input_shapes() const { return input_shapes_; }
  bool built() const { return built_; }

  // Whether backward() must compute the input gradients. A Graph clears it
  // for layers fed only by the network input, whose gradient nobody reads;
  // a layer may then skip that work (Dense skips its dx = dy W product) and
  // input_grad() is left unspecified. Set it again to get d(input).
  void set_needs_input_grad(bool needed) { needs_input_grad_ = needed; }
  bool needs_input_grad() const { return needs_input_grad_; }

  std::span<Param* const> params() const { return params_; }
  std::span<Buffer* const> buffers() const { return buffers_; }
  void zero_grad();
  // The random stream the layer draws from in Train mode (dropout's masks),
  // or nullptr. Checkpoints save its position, so a resumed run goes on
  // drawing where the interrupted one stopped.
  virtual Rng* random_stream() { return nullptr; }
  // Writes the layer's Eval-mode computation as ONNX node(s) into `scope`
  // (nn/onnx_graph.hpp). The default throws std::invalid_argument: "layer
  // 'x' (type y) has no ONNX form".
  virtual void to_onnx(OnnxScope& scope) const;

 protected:
  virtual Shape do_build(const std::vector<Shape>& input_shapes) = 0;
  // x: the inputs; y: already shaped [N, output_shape].
  virtual void do_forward(std::span<const Tensor* const> x, Tensor& y, Mode mode) = 0;
  // dx: already shaped like the inputs; overwrite them, accumulate params.
  virtual void do_backward(std::span<const Tensor* const> x, const Tensor& y, const Tensor& dy,
                           std::span<Tensor> dx) = 0;

  // Called from do_build: declare a parameter (zero-filled once it has
  // storage, see ParamStorage) or a buffer.
  void add_param(Param& p, std::string name, Shape shape);
  void add_buffer(Buffer& b, std::string name, Shape shape, float fill = 0.0f,
                  bool integer = false);

 private:
  std::string name_;
  bool built_ = false;
  std::vector<Shape> input_shapes_;
  Shape output_shape_;
  std::vector<Param*> params_;
  std::vector<Buffer*> buffers_;
  std::vector<const Tensor*> x_;  // the last forward's inputs
  Tensor y_;                      // [N, output_shape]
  std::vector<Tensor> dx_;        // [N, input_shapes[i]]
  bool has_forward_ = false;
  bool needs_input_grad_ = true;
};

// Convenience base for one-input layers: do_forward(x, y) / do_backward(x, y, dy, dx).
class UnaryLayer : public Layer {
 protected:
  virtual Shape do_build(const Shape& input_shape) = 0;
  virtual void do_forward(const Tensor& x, Tensor& y, Mode mode) = 0;
  virtual void do_backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) = 0;

 private:
  Shape do_build(const std::vector<Shape>& input_shapes) final { return do_build(input_shapes[0]); }
  void do_forward(std::span<const Tensor* const> x, Tensor& y, Mode mode) final {
    do_forward(*x[0], y, mode);
  }
  void do_backward(std::span<const Tensor* const> x, const Tensor& y, const Tensor& dy,
                   std::span<Tensor> dx) final {
    do_backward(*x[0], y, dy, dx[0]);
  }
};

}  // namespace minima

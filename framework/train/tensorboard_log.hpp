#pragma once
// A run's TensorBoard log (`minima train|compare --tensorboard DIR`): at
// every evaluation point one Event (io/event_file.hpp) with the point's
// metrics row as scalars
//   train/loss, train/accuracy, eval/loss, eval/accuracy, learning_rate
// and, per hidden nonlinearity (nn/hidden_layers.hpp), a histogram
// "hidden/<activation>_input" of its input over a fixed probe batch (all
// the layer's units pooled: N D values, or N C H W after a convolution),
// computed by an Eval-mode forward that changes nothing. Flushed at every
// point, so TensorBoard can follow a run live and a killed run leaves a
// readable file.
#include <cstdint>
#include <string>
#include <vector>

#include <minima/core/tensor.hpp>
#include <minima/io/event_file.hpp>
#include <minima/io/metrics_log.hpp>
#include <minima/nn/graph.hpp>

namespace minima {

class TensorBoardLog {
 public:
  // Test inputs the histograms are over, as many as `minima compare` probes.
  static constexpr int64_t kProbeSamples = 1000;

  // Starts an event file in `dir` for `model` (built); `probe`: [n, ...] inputs.
  TensorBoardLog(const std::string& dir, const Graph& model, Tensor probe);
  // A run's directory in the log DIR: DIR/<run>/seed-<seed>, TensorBoard's
  // layout of runs (each directory one run in its list).
  static std::string run_dir(const std::string& dir, const std::string& run, int64_t seed);

  // Writes the point's scalars and histograms, then flushes.
  void write(const EvalPoint& point, Graph& model);
  const std::string& path() const { return file_.path(); }

 private:
  struct HiddenInput {
    size_t layer;     // the layer whose output feeds the activation
    std::string tag;  // "hidden/sigmoid1_input"
  };
  EventFile file_;
  Tensor probe_;
  std::vector<HiddenInput> hidden_;
};

}  // namespace minima

#pragma once
// Measures, at chosen steps of a run, the internal covariate shift of every
// weight layer and the loss landscape along the gradient (landscape.hpp) on
// a COPY of the model: its own graph with the run's parameters copied in,
// its own fixed batch, evaluated in Train mode (BatchNorm with batch
// statistics, as training sees it). The run's parameters, optimizer state,
// random streams, data order and BatchNorm running statistics are never
// touched; the copy's random streams (dropout) are reset before every
// evaluation, so the same parameters always give the same loss.
#include <cstdint>
#include <string>
#include <vector>

#include <minima/data/batcher.hpp>
#include <minima/lesson/landscape/landscape.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/loss.hpp>

namespace minima::lesson {

struct LandscapePoint {
  int64_t step = 0;
  double loss = 0;                 // L(theta) on the measurement batch
  std::vector<GradientShift> ics;  // per weight layer (LandscapeMeter::layers())
  AlongGradient along;             // over the step sizes eta
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LandscapePoint, step, loss, ics, along)

class LandscapeMeter {
 public:
  // `model`: a built graph, read for its layers and shapes only. `batch`:
  // the fixed measurement batch. `lr`: the plain SGD step the layers below
  // take for ICS. `eta_factors`: the step sizes along the gradient, as
  // multiples of lr (e.g. 0.05 ... 4).
  LandscapeMeter(const Graph& model, Batch batch, double lr, std::vector<double> eta_factors);

  // The weight layers ICS follows, in graph order: every layer with a
  // "weight" parameter of rank >= 2 (a Dense matrix or a filter bank; not
  // BatchNorm's per-feature scale, which counts with the layers below).
  const std::vector<std::string>& layers() const { return names_; }

  // All measures at parameters `theta` [P] (the run's Graph::values()),
  // which are only read.
  LandscapePoint measure(const Tensor& theta, int64_t step);

 private:
  double loss_and_grad(const Tensor& theta, Tensor& grad);

  Graph copy_;
  Batch batch_;
  SoftmaxCrossEntropy loss_;
  double lr_;
  std::vector<double> etas_;
  std::vector<IcsLayer> ics_layers_;
  std::vector<std::string> names_;
  std::vector<std::pair<Rng*, Rng::State>> streams_;  // the copy's, as built
};

}  // namespace minima::lesson

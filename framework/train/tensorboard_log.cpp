#include <minima/train/tensorboard_log.hpp>

#include <filesystem>
#include <span>

#include <minima/nn/hidden_layers.hpp>

namespace minima {

TensorBoardLog::TensorBoardLog(const std::string& dir, const Graph& model, Tensor probe)
    : file_(dir), probe_(std::move(probe)) {
  for (size_t a : hidden_activations(model))
    hidden_.push_back(
        {model.index_of(model.inputs_of(a).at(0)), "hidden/" + model.layer(a).name() + "_input"});
}

std::string TensorBoardLog::run_dir(const std::string& dir, const std::string& run, int64_t seed) {
  return (std::filesystem::path(dir) / run / ("seed-" + std::to_string(seed))).string();
}

void TensorBoardLog::write(const EvalPoint& point, Graph& model) {
  std::vector<SummaryValue> values = {{"train/loss", float(point.train_loss)},
                                      {"train/accuracy", float(point.train_acc)},
                                      {"eval/loss", float(point.eval_loss)},
                                      {"eval/accuracy", float(point.eval_acc)},
                                      {"learning_rate", point.lr}};
  if (!hidden_.empty()) {
    model.forward(probe_, Mode::Eval);
    for (const HiddenInput& h : hidden_) {
      const Tensor& y = model.layer(h.layer).output();
      values.push_back(
          {h.tag, make_histogram(std::span<const float>(y.data(), size_t(y.numel())))});
    }
  }
  file_.write(point.step, values);
  file_.flush();
}

}  // namespace minima

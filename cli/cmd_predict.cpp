// `minima predict RUN_DIR_OR_CHECKPOINT IMAGE... [--json] [--top K] [--show-input OUT.png]`:
// classifies image files with a trained model.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>

#include <minima/data/image_prep.hpp>
#include <minima/report/raster.hpp>
#include <minima/report/sample_grid.hpp>
#include <minima/train/saved_model.hpp>
#include "cli/command.hpp"
#include "cli/options.hpp"

namespace minima::cli {
namespace {

struct PredictOptions {
  std::string target;
  std::vector<std::string> images;
  bool json = false;
  int top = 3;
  std::string show_input;
};

// The pixels the model reads, prepared the way its training data was: a
// model trained on an image folder sees the image resized to data.size;
// any other (MNIST-like) model sees a digit prepared like MNIST's.
Image model_input(const std::string& path, const DataConfig& data) {
  if (data.dataset == "folder")
    return resize_image(load_image(path, data.grayscale ? 1 : 3), data.width, data.height);
  return prepare_like_mnist(load_image(path, 1), path);
}

// The shape of model_input()'s images.
SampleGeometry input_geometry(const DataConfig& data) { return sample_geometry(data, 28 * 28); }
Shape input_shape(const DataConfig& data) {
  const SampleGeometry g = input_geometry(data);
  return Shape{g.channels, g.height, g.width};
}

// softmax(z)_k = exp(z_k - max z) / sum_j exp(z_j - max z), in double.
std::vector<double> softmax(const Tensor& logits) {
  const float top = *std::max_element(logits.data(), logits.data() + logits.numel());
  std::vector<double> p(size_t(logits.numel()));
  double sum = 0;
  for (int64_t k = 0; k < logits.numel(); ++k)
    sum += p[size_t(k)] = std::exp(double(logits[k]) - top);
  for (double& v : p) v /= sum;
  return p;
}

struct Prediction {
  std::string file;
  std::string error;  // empty on success
  Image input;
  std::vector<float> logits;
  std::vector<double> probabilities;
  std::vector<int> ranked;  // class indices, most probable first
};

Prediction predict_one(SavedModel& model, const std::string& file) {
  Prediction p{file, {}, {}, {}, {}, {}};
  try {
    p.input = model_input(file, model.config.data);
  } catch (const std::exception& e) {
    p.error = e.what();
    return p;
  }
  // x = (pixel / 255 - mean) / std (normalize_pixels, as for training batches),
  // [1, C, H, W] like a training sample.
  const std::vector<uint8_t> planar = channels_first(p.input);
  Tensor x(input_shape(model.config.data).with_batch(1));
  normalize_pixels(planar.data(), int64_t(planar.size()), model.normalization, x.data());
  const Tensor& logits = model.graph.forward(x, Mode::Eval);
  p.logits.assign(logits.data(), logits.data() + logits.numel());
  p.probabilities = softmax(logits);
  p.ranked.resize(p.probabilities.size());
  std::iota(p.ranked.begin(), p.ranked.end(), 0);
  std::stable_sort(p.ranked.begin(), p.ranked.end(), [&](int a, int b) {
    return p.probabilities[size_t(a)] > p.probabilities[size_t(b)];
  });
  return p;
}

// The inputs side by side, 2 px apart on gray, black where a file failed.
Image input_strip(const std::vector<Prediction>& predictions, const DataConfig& data) {
  const SampleGeometry g = input_geometry(data);
  const int height = g.height, width = g.width, channels = g.channels;
  const int gap = predictions.size() > 1 ? 2 : 0;
  Image strip =
      make_canvas(int(predictions.size()) * (width + gap) - gap, height, channels, gray_level(96));
  for (size_t i = 0; i < predictions.size(); ++i) {
    const Image& in = predictions[i].input;
    fill_rect(strip, int(i) * (width + gap), 0, int(i) * (width + gap) + width, height,
              gray_level(0));
    for (int y = 0; y < in.height; ++y)
      std::copy_n(in.pixels.begin() + std::ptrdiff_t(size_t(y) * size_t(width * channels)),
                  width * channels,
                  strip.pixels.begin() +
                      std::ptrdiff_t((size_t(y) * size_t(strip.width) + i * size_t(width + gap)) *
                                     size_t(channels)));
  }
  return strip;
}

void print_text(const std::vector<Prediction>& predictions, const SavedModel& model, int top) {
  for (const Prediction& p : predictions) {
    if (!p.error.empty()) continue;
    std::printf("%s:", p.file.c_str());
    for (size_t r = 0; r < std::min(size_t(top), p.ranked.size()); ++r)
      std::printf("  %s (%.1f%%)", model.class_names[size_t(p.ranked[r])].c_str(),
                  100.0 * p.probabilities[size_t(p.ranked[r])]);
    std::printf("\n");
  }
}

void print_json(const std::vector<Prediction>& predictions, const SavedModel& model, int top) {
  json out = {
      {"model", model.files.weights},
      {"normalization", {{"mean", model.normalization.mean}, {"std", model.normalization.std}}},
      {"predictions", json::array()}};
  for (const Prediction& p : predictions) {
    json entry = {{"file", p.file}};
    if (!p.error.empty()) {
      entry["error"] = p.error;
    } else {
      json ranked = json::array();
      for (size_t r = 0; r < std::min(size_t(top), p.ranked.size()); ++r)
        ranked.push_back({{"class", model.class_names[size_t(p.ranked[r])]},
                          {"index", p.ranked[r]},
                          {"probability", p.probabilities[size_t(p.ranked[r])]}});
      entry["top"] = ranked;
      entry["logits"] = p.logits;
      entry["input"] = {{"shape", {p.input.height, p.input.width, p.input.channels}},
                        {"pixels", p.input.pixels}};
    }
    out["predictions"].push_back(entry);
  }
  std::cout << out.dump() << "\n";
}

int run_predict(const PredictOptions& options) {
  if (options.target.empty()) throw UsageError("expected a RUN_DIR or a .safetensors checkpoint");
  if (options.images.empty())
    throw UsageError("expected one or more image files after " + options.target);
  const ModelFiles files = model_files(options.target);
  const RunConfig config = load_run_config(files.config);
  SavedModel model = load_saved_model(files, input_shape(config.data));

  std::vector<Prediction> predictions;
  for (const std::string& file : options.images) predictions.push_back(predict_one(model, file));
  if (!options.show_input.empty())
    write_png(options.show_input, input_strip(predictions, config.data));
  if (options.json)
    print_json(predictions, model, options.top);
  else
    print_text(predictions, model, options.top);
  std::cout.flush();
  int failed = 0;
  for (const Prediction& p : predictions)
    if (!p.error.empty()) {
      std::cerr << "minima predict: error: " << p.error << "\n";
      ++failed;
    }
  return failed ? 1 : 0;
}

CommandRun declare_predict(CLI::App& app) {
  auto options = std::make_shared<PredictOptions>();
  app.add_option("RUN_DIR_OR_CHECKPOINT", options->target, "the trained model, as for eval");
  app.add_option("IMAGE", options->images, "the image files to classify");
  app.add_flag("--json", options->json,
               "print JSON: per file the top classes, the logits and\n"
               "the input pixels, or its error");
  app.add_option("--top", options->top, "how many classes to show")
      ->type_name("K")
      ->check(whole_number(1, std::numeric_limits<int>::max()))
      ->capture_default_str();
  app.add_option("--show-input", options->show_input,
                 "write the input the model saw (28x28 per image, side\n"
                 "by side), to see why a digit was misread")
      ->type_name("OUT.png");
  app.footer(
      "Loads the model like `minima eval` and prints, one line per image, its K\n"
      "most probable classes with their softmax probabilities.\n"
      "\n"
      "Each image is converted to gray and prepared the way MNIST's digits were:\n"
      "a light background is inverted, the digit's bounding box is scaled to fit\n"
      "20x20 pixels keeping its aspect ratio and centred by its centre of mass in a\n"
      "28x28 field. A model trained on an image folder (data.dataset \"folder\")\n"
      "instead sees the image resized to its data.size, gray or RGB as trained.\n"
      "\n"
      "A file that cannot be read (missing, empty, not an image, larger than\n"
      "16384 pixels per side) is reported on stderr and the others still run;\n"
      "the exit code is then 1.");
  return [options] { return run_predict(*options); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "predict",
                (CommandEntry{"classify image files (PNG/JPEG/BMP/GIF) with a trained model",
                              declare_predict}));

}  // namespace minima::cli

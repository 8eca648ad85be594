#include "fuzz/fuzz_inputs.hpp"

#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <minima/data/idx.hpp>
#include <minima/data/image_prep.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/io/safetensors.hpp>
#include <minima/nn/loss.hpp>
#include <minima/optim/optimizer.hpp>
#include <minima/optim/schedule.hpp>
#include <minima/train/run_config.hpp>

namespace minima::fuzz {
namespace {

// The readers take paths: each input goes to a per-process scratch file
// ("/tmp/minima-fuzz-<pid>-<name>"), removed when the input is done.
class ScratchFile {
 public:
  ScratchFile(const std::string& name, std::string_view bytes)
      : path_("/tmp/minima-fuzz-" + std::to_string(::getpid()) + "-" + name) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) throw std::logic_error(path_ + ": cannot write the fuzz input");
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `action`, accepting minima's clear errors as a valid outcome.
template <typename Action>
void expect_clean(Action action) {
  try {
    action();
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
}

std::string gzip(std::string_view bytes) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::logic_error("deflateInit2 failed");
  std::string out(deflateBound(&z, uLong(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = uInt(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::logic_error("deflate failed");
  return out;
}

// Per-sample input features for a config's data set: the known ones', or a
// small stand-in for "idx" data (whose shape lives in the data files).
Shape input_shape(const RunConfig& config) {
  if (std::optional<Shape> known = known_sample_shape(config.data)) return *known;
  return Shape{12};
}

void train_one_step(const RunConfig& config) {
  Graph graph = Graph::from_json(config.layers, "/model/layers");
  graph.build(input_shape(config), config.seed);
  const int64_t classes = graph.output_shape().numel();
  if (graph.output_shape().rank() != 1 || classes < 1) return;
  ConfigObject optimizer_config(config.optimizer, "/optimizer");
  auto optimizer = make_optimizer(optimizer_config, graph.values().numel());
  ConfigObject schedule_config(config.schedule, "/schedule");
  auto schedule = make_schedule(schedule_config, config.train.steps);

  Tensor x(graph.input_shape().with_batch(2));
  for (int64_t i = 0; i < x.numel(); ++i) x.data()[i] = float(i % 7) / 7.0f;
  const std::vector<int32_t> labels = {0, int32_t(classes - 1)};
  SoftmaxCrossEntropy loss;
  graph.zero_grad();
  loss.forward(graph.forward(x, Mode::Train), labels);
  graph.backward(loss.backward());
  optimizer->step(graph.values(), graph.grads(), schedule->lr(0, optimizer->base_lr()));
  loss.forward(graph.forward(x, Mode::Eval), labels);
}

}  // namespace

void idx_input(std::string_view bytes) {
  if (bytes.empty()) return;
  const std::string_view rest = bytes.substr(1);
  const ScratchFile file("idx", bytes[0] & 1 ? gzip(rest) : std::string(rest));
  // A small limit keeps each input fast; lying headers above it must be refused.
  const IdxLimits limits{int64_t(1) << 22};
  expect_clean([&] { read_idx_images(file.path(), limits); });
  expect_clean([&] { read_idx_labels(file.path(), limits); });
}

void config_input(std::string_view bytes) {
  const ScratchFile file("config.json", bytes);
  // Models over 64 MB are refused like those over the real 4 GB limit, and
  // the fuzzer spends its time on the code rather than on filling memory.
  const int64_t max_bytes = max_tensor_bytes();
  set_max_tensor_bytes(int64_t(64) << 20);
  expect_clean([&] { train_one_step(load_run_config(file.path())); });
  set_max_tensor_bytes(max_bytes);
}

void safetensors_input(std::string_view bytes) {
  expect_clean([&] { decode_safetensors(bytes, "fuzz input"); });
  const ScratchFile file("model.safetensors", bytes);
  Graph graph = small_model();
  expect_clean([&] { load_model(file.path(), graph); });
}

void image_input(std::string_view bytes) {
  if (bytes.empty()) return;
  const ScratchFile file("image", bytes.substr(1));
  const ImageLimits limits{int64_t(1) << 20, 2048, int64_t(1) << 20};
  if (bytes[0] & 1)
    expect_clean([&] { prepare_like_mnist(load_image(file.path(), 1, limits), file.path()); });
  else
    expect_clean([&] { resize_image(load_image(file.path(), 3, limits), 8, 6); });
}

Graph small_model() {
  Graph graph = Graph::from_json(json::parse(R"([
    {"type": "dense", "name": "fc1", "units": 3},
    {"type": "batchnorm", "name": "bn1"},
    {"type": "dense", "name": "fc2", "units": 2}])"),
                                 "/model/layers");
  graph.build(Shape{4}, 1);
  return graph;
}

}  // namespace minima::fuzz

// Models in and out: `minima export --fold-bn` (a folded copy with the same
// outputs, in a file checked by an independent safetensors reader) and
// `minima eval --weights --config` (weights written by another tool).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <minima/core/atomic_file.hpp>
#include <minima/data/data_source.hpp>
#include <minima/train/saved_model.hpp>
#include <minima/train/trainer.hpp>
#include "tests/build_paths.hpp"
#include "tests/run_command.hpp"
#include "tests/safetensors_reader.hpp"
#include "tests/support.hpp"
#include "tests/train_fixture.hpp"

using namespace minima;
using namespace minima::test;
using ordered_json = nlohmann::ordered_json;

namespace {

// The blob run of train_fixture.hpp (fc1 -> bn1 -> relu -> fc2), trained.
struct BlobRun {
  TempDir tmp{"interop"};
  std::string run = tmp.path("run");
  BlobRun() {
    write_blobs(tmp.path());
    TrainerOptions options;
    options.progress = ProgressStyle::Quiet;
    Trainer(blob_config(tmp.path(), run), options).run();
  }
};

std::vector<double> floats_of(const ParsedFile& f, const std::string& name) {
  const auto offsets = f.header.at(name).at("data_offsets").get<std::vector<uint64_t>>();
  std::vector<double> values;
  for (uint64_t at = offsets[0]; at < offsets[1]; at += 4) values.push_back(f32_at(f.body, at));
  return values;
}

// "accuracy   ..." line of `minima eval`.
std::string accuracy_line(const std::string& output) {
  const size_t begin = output.find("accuracy   ");
  return begin == std::string::npos ? "" : output.substr(begin, output.find('\n', begin) - begin);
}

}  // namespace

TEST_CASE(
    "minima export --fold-bn writes a BatchNorm-free model with the folded weights and the same "
    "outputs") {
  BlobRun blobs;
  const std::string out = blobs.tmp.path("folded");
  const auto [status, output] =
      run_command(minima::test::cli() + " export " + blobs.run + " --fold-bn " + out);
  INFO(output);
  REQUIRE(status == 0);
  CHECK(output.find("folded   fc1 + bn1\n") != std::string::npos);
  const size_t check = output.find("check    eval outputs differ by at most ");
  REQUIRE(check != std::string::npos);
  CHECK(std::strtod(output.c_str() + check + 40, nullptr) <= 1e-5);
  CHECK(output.find("speed    eval forward of 1000 samples: ") != std::string::npos);

  // config.json: the layer list without the BatchNorm, loadable as a run config.
  const RunConfig exported = load_run_config(out + "/config.json");
  std::vector<std::string> types;
  for (const json& layer : exported.layers) types.push_back(layer["type"]);
  CHECK(types == std::vector<std::string>{"dense", "relu", "dense"});
  CHECK(exported.layers[0]["bias"] == true);

  // model.safetensors, read independently: padded header, PyTorch names and
  // Linear shapes [out, in], F32, contiguous offsets, folded values.
  const ParsedFile original = parse_independently(file_bytes(blobs.run + "/model.safetensors"));
  const ParsedFile folded = parse_independently(file_bytes(out + "/model.safetensors"));
  CHECK(folded.header_length % 8 == 0);
  CHECK(folded.header["__metadata__"]["format"] == "pt");
  CHECK(folded.header["__metadata__"]["minima.normalization.mean"] ==
        original.header["__metadata__"]["minima.normalization.mean"]);
  std::vector<std::string> names;
  uint64_t offset = 0;
  for (const auto& [name, info] : folded.header.items()) {
    if (name == "__metadata__") continue;
    names.push_back(name);
    CHECK(info["dtype"] == "F32");
    CHECK(info["data_offsets"][0].get<uint64_t>() == offset);
    offset = info["data_offsets"][1].get<uint64_t>();
  }
  CHECK(offset == folded.body.size());
  CHECK(names == std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"});
  CHECK(folded.header["fc1.weight"]["shape"] == json::array({8, 16}));
  CHECK(folded.header["fc2.weight"]["shape"] == json::array({10, 8}));

  // W' = s W, b' = s (b - mean) + beta, s = gamma / sqrt(var + 1e-5), from the original file.
  const auto w = floats_of(original, "fc1.weight"), b = floats_of(original, "fc1.bias");
  const auto gamma = floats_of(original, "bn1.weight"), beta = floats_of(original, "bn1.bias");
  const auto mean = floats_of(original, "bn1.running_mean"),
             var = floats_of(original, "bn1.running_var");
  const auto w2 = floats_of(folded, "fc1.weight"), b2 = floats_of(folded, "fc1.bias");
  for (size_t k = 0; k < 8; ++k) {
    const double s = gamma[k] / std::sqrt(var[k] + 1e-5);
    CHECK(b2[k] == doctest::Approx(s * (b[k] - mean[k]) + beta[k]).epsilon(1e-6));
    for (size_t j = 0; j < 16; ++j)
      CHECK(w2[k * 16 + j] == doctest::Approx(s * w[k * 16 + j]).epsilon(1e-6));
  }
  CHECK(floats_of(folded, "fc2.weight") == floats_of(original, "fc2.weight"));

  // Eval-mode outputs on the test set agree within 1e-5 relative.
  const Dataset data = load_split(exported.data, "test");
  SavedModel before = load_saved_model(model_files(blobs.run), data.sample_shape);
  SavedModel after = load_saved_model(model_files(out), data.sample_shape);
  Tensor x(Shape{data.count, 16});
  for (int64_t k = 0; k < x.numel(); ++k) x[k] = float(data.pixels[size_t(k)]) / 255.0f;
  const Tensor expected = before.graph.forward(x, Mode::Eval);
  check_close(after.graph.forward(x, Mode::Eval), expected, 1e-5, 1e-6,
              "folded vs original on the test set");

  // `minima eval` reads the export like a run directory, with the same result.
  const auto [s1, eval_run] = run_command(minima::test::cli() + " eval " + blobs.run);
  const auto [s2, eval_folded] = run_command(minima::test::cli() + " eval " + out);
  CHECK(s1 == 0);
  CHECK(s2 == 0);
  CHECK_FALSE(accuracy_line(eval_run).empty());
  CHECK(accuracy_line(eval_folded) == accuracy_line(eval_run));
}

TEST_CASE(
    "minima eval --weights --config: weights from another writer load by name, the first mismatch "
    "is named") {
  BlobRun blobs;
  const std::string config = blobs.run + "/config.json";
  const auto [s0, reference] = run_command(minima::test::cli() + " eval " + blobs.run);
  REQUIRE(s0 == 0);

  // Another tool's file: tensors in reverse order, its own metadata only.
  const ParsedFile f = parse_independently(file_bytes(blobs.run + "/model.safetensors"));
  ordered_json header = {{"__metadata__", {{"format", "pt"}, {"writer", "not minima"}}}};
  std::vector<std::string> names;
  for (const auto& [name, info] : f.header.items())
    if (name != "__metadata__") names.insert(names.begin(), name);
  std::string body;
  for (const std::string& name : names) {
    const auto offsets = f.header[name]["data_offsets"].get<std::vector<uint64_t>>();
    header[name] = {{"dtype", f.header[name]["dtype"]},
                    {"shape", f.header[name]["shape"]},
                    {"data_offsets", {body.size(), body.size() + offsets[1] - offsets[0]}}};
    body += f.body.substr(offsets[0], offsets[1] - offsets[0]);
  }
  const std::string other = blobs.tmp.path("other.safetensors");
  write_file_atomically(other, assemble(header, body));
  const std::string eval = minima::test::cli() + " eval --config " + config + " --weights " + other;
  auto [status, output] = run_command(eval);
  INFO(output);
  CHECK(status == 0);
  CHECK(accuracy_line(output) == accuracy_line(reference));

  // Renamed and reshaped tensors are named.
  ordered_json renamed = header;
  renamed["layer1.weight"] = renamed["fc1.weight"];
  renamed.erase("fc1.weight");
  write_file_atomically(other, assemble(renamed, body));
  std::tie(status, output) = run_command(eval);
  CHECK(status == 1);
  CHECK(output == "minima eval: error: " + other + ": missing tensor 'fc1.weight'\n");

  ordered_json reshaped = header;
  reshaped["fc2.weight"]["shape"] = {8, 10};
  write_file_atomically(other, assemble(reshaped, body));
  std::tie(status, output) = run_command(eval);
  CHECK(status == 1);
  CHECK(output == "minima eval: error: " + other +
                      ": tensor 'fc2.weight' has shape [8, 10] but the model expects [10, 8]\n");

  std::tie(status, output) = run_command(minima::test::cli() + " eval --weights " + other);
  CHECK(status == 2);
  CHECK(output.find("--weights and --config go together") != std::string::npos);
}

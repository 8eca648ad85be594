#pragma once
// A tiny synthetic training problem for the trainer tests: two Gaussian
// blobs drawn as 4x4 images (class 0 bright on the left half, class 1 on
// the right), written as IDX files in a temporary directory, and a run
// config over them.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/core/atomic_file.hpp>
#include <minima/core/rng.hpp>
#include <minima/train/run_config.hpp>
#include <minima/train/trainer.hpp>
#include "tests/temp_dir.hpp"

namespace minima::test {

inline void put_be32(std::ofstream& out, uint32_t v) {
  const char bytes[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  out.write(bytes, 4);
}

// Writes <dir>/<prefix>-images-idx3-ubyte and -labels-idx1-ubyte with
// `count` blob images, alternating labels 0, 1, 0, ...
inline void write_blob_split(const std::string& dir, const std::string& prefix, int64_t count,
                             uint64_t seed) {
  Rng rng(seed);
  std::ofstream images(dir + "/" + prefix + "-images-idx3-ubyte", std::ios::binary);
  std::ofstream labels(dir + "/" + prefix + "-labels-idx1-ubyte", std::ios::binary);
  put_be32(images, 2051);
  put_be32(images, uint32_t(count));
  put_be32(images, 4);
  put_be32(images, 4);
  put_be32(labels, 2049);
  put_be32(labels, uint32_t(count));
  for (int64_t i = 0; i < count; ++i) {
    const int label = int(i % 2);
    labels.put(char(label));
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 4; ++c) {
        const bool bright = (c < 2) == (label == 0);
        const float v = (bright ? 150.0f : 100.0f) + 45.0f * rng.normal();
        images.put(char(uint8_t(std::clamp(v, 0.0f, 255.0f))));
      }
  }
}

// The blobs as an MNIST-style directory: 256 training and 64 test images.
inline void write_blobs(const std::string& dir) {
  write_blob_split(dir, "train", 256, 1);
  write_blob_split(dir, "t10k", 64, 2);
}

// A 16-8-10 MLP (the IDX loader counts at least 10 classes) with BatchNorm, SGD with momentum and a
// cosine schedule: 40 steps of 16, evaluated every 10. `changes` is merged over it.
inline nlohmann::json blob_config_json(const std::string& data_dir, const std::string& run_dir,
                                       const nlohmann::json& changes = nlohmann::json::object()) {
  nlohmann::json config = {
      {"description", "two blobs"},
      {"seed", 7},
      {"data", {{"dataset", "idx"}, {"dir", data_dir}}},
      {"model",
       {{"layers",
         {{{"type", "dense"}, {"name", "fc1"}, {"units", 8}},
          {{"type", "batchnorm"}, {"name", "bn1"}},
          {{"type", "relu"}},
          {{"type", "dense"}, {"name", "fc2"}, {"units", 10}}}}}},
      {"optimizer", {{"type", "sgd"}, {"lr", 0.1}, {"momentum", 0.9}}},
      {"schedule", {{"type", "cosine"}}},
      {"train", {{"batch_size", 16}, {"steps", 40}, {"eval_every", 10}, {"threads", 1}}},
      {"output", {{"dir", run_dir}}},
  };
  config.merge_patch(changes);
  return config;
}

// A small CNN for the blobs, merged over blob_config_json: conv2d 3x3 (2
// channels, padding 1, no bias) bn relu maxpool 2x2, flatten, dense 10.
inline nlohmann::json blob_cnn() {
  return {{"model",
           {{"layers",
             {{{"type", "conv2d"},
               {"name", "conv1"},
               {"out_channels", 2},
               {"kernel", 3},
               {"padding", 1},
               {"bias", false}},
              {{"type", "batchnorm"}, {"name", "bn1"}},
              {{"type", "relu"}},
              {{"type", "maxpool2d"}, {"kernel", 2}},
              {{"type", "flatten"}},
              {{"type", "dense"}, {"name", "fc1"}, {"units", 10}}}}}}};
}

inline RunConfig blob_config(const std::string& data_dir, const std::string& run_dir,
                             const nlohmann::json& changes = nlohmann::json::object()) {
  return parse_run_config(blob_config_json(data_dir, run_dir, changes), "blobs.json");
}

// For the tests that watch a run and must leave it as it was: the blobs in
// `tmp`, a 16-8-8-10 sigmoid MLP with BN and dropout 0.2 on them, trained
// once unwatched into <tmp>/plain. Returns its config with the output
// directory <tmp>/<watched>, for the watched run.
inline nlohmann::json run_unwatched(const TempDir& tmp, const std::string& watched) {
  write_blobs(tmp.path());
  nlohmann::json config = blob_config_json(tmp.path(), tmp.path("plain"));
  config["model"] = {{"type", "mlp"},
                     {"hidden", {8, 8}},
                     {"activation", "sigmoid"},
                     {"batchnorm", true},
                     {"dropout", 0.2}};
  Trainer plain(parse_run_config(config, "blob"));
  plain.run();
  config["output"]["dir"] = tmp.path(watched);
  return config;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// metrics.csv's lines without the last column (seconds, which differ run to run).
inline std::vector<std::string> metrics_without_seconds(const std::string& path) {
  std::vector<std::string> rows;
  std::istringstream in(read_text(path));
  for (std::string line; std::getline(in, line);) rows.push_back(line.substr(0, line.rfind(',')));
  return rows;
}

// A compare over the blobs in `dir`: writes the blobs and base.json (a
// sigmoid MLP 8-8 with BN, plain SGD lr 0.5, constant schedule) and returns
// the compare settings that go with it: with and without BN, seeds 7 and 8,
// threshold 60 %, probes over 32 test images. A test adds its measurements:
// "{" + settings + R"(, "telemetry": true})".
inline std::string write_blob_compare(const std::string& dir) {
  write_blobs(dir);
  nlohmann::json base = blob_config_json(dir, "unused");
  base["model"] = {
      {"type", "mlp"}, {"hidden", {8, 8}}, {"activation", "sigmoid"}, {"batchnorm", true}};
  base["optimizer"] = {{"type", "sgd"}, {"lr", 0.5}};
  base["schedule"] = {{"type", "constant"}};
  write_file_atomically(dir + "/base.json", base.dump());
  return R"("base": "base.json", "variants": {"without BN": {"model.batchnorm": false}, "with BN": {}},
         "thresholds": [60], "probe": {"batch": 32}, "seeds": [7, 8])";
}

}  // namespace minima::test

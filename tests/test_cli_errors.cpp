// The CLI's contract for bad input, checked on the real `minima` binary:
// each mistake ends in ONE line on stderr, "minima <command>: error: <what>"
// naming the file or JSON pointer and what was expected, and exit code 1
// (2 for a wrong command line) — never a crash, a hang or a stack of text.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include <minima/core/atomic_file.hpp>
#include <minima/io/safetensors.hpp>
#include <minima/nn/layer_registry.hpp>
#include "tests/build_paths.hpp"
#include "tests/cli_runner.hpp"
#include "tests/idx_fixtures.hpp"
#include "tests/temp_dir.hpp"
#include "tests/train_fixture.hpp"

using namespace minima::test;

namespace {

const std::string kSource = minima::test::source_dir();

// A small valid config on mnist (no data needed to check or summarize it).
const char* kTinyConfig = R"({
  "model": {"layers": [{"type": "dense", "name": "fc1", "units": 16},
                       {"type": "batchnorm", "name": "bn1"},
                       {"type": "relu"},
                       {"type": "dense", "name": "fc2", "units": 10}]},
  "optimizer": {"type": "sgd", "lr": 0.1},
  "train": {"batch_size": 8, "steps": 10}
})";

// Runs `minima ARGS` and checks it failed with exactly `message` as its
// single stderr line and the exit code `exit_code`.
void check_error(const std::vector<std::string>& args, const std::string& message,
                 int exit_code = 1) {
  const CliResult r = run_cli(args);
  CAPTURE(r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  CHECK(r.exit_code == exit_code);
  CHECK(first_line(r.err) == message);
  if (exit_code == 1) CHECK(line_count(r.err) == 1);
}

}  // namespace

TEST_CASE("cli: the tiny config itself is valid (so each error below comes from its one change)") {
  TempDir dir("cli_errors");
  write_text(dir.path("c.json"), kTinyConfig);
  const CliResult r = run_cli({"summary", dir.path("c.json")});
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("Trainable params: 12,762") !=
        std::string::npos);  // 784*16 + 16 + 2*16 + 16*10 + 10
}

TEST_CASE("cli: config mistakes name the JSON pointer and what was expected") {
  TempDir dir("cli_errors");
  const std::string config = dir.path("c.json");
  write_text(config, kTinyConfig);
  const auto summary_error = [&](const std::string& assignment, const std::string& message) {
    check_error({"summary", config, "--set", assignment},
                "minima summary: error: " + config + ": " + message);
  };
  SUBCASE("unknown layer type: the known ones are listed") {
    std::string known;
    for (const std::string& type : minima::layer_registry().names())
      known += (known.empty() ? "" : ", ") + type;
    REQUIRE(known.find("batchnorm") != std::string::npos);
    REQUIRE(known.find("dense") != std::string::npos);
    summary_error("model.layers.1.type=\"batchnorn\"",
                  "/model/layers/1/type: unknown layer type 'batchnorn'; known types: " + known);
  }
  SUBCASE("unknown key in a layer") {
    summary_error("model.layers.0.unit=16",
                  "/model/layers/0/unit: unknown key; known keys here: bias, init, inputs, name, "
                  "std, type, units");
  }
  SUBCASE("unknown key in a section") {
    summary_error("train.batchsize=8",
                  "/train/batchsize: unknown key; known keys here: batch_size, epochs, eval_early, "
                  "eval_every, steps, threads");
  }
  SUBCASE("wrong type") {
    summary_error("model.layers.0.units=\"16\"",
                  "/model/layers/0/units: expected an integer, got \"16\"");
    summary_error("model.layers.0.units=16.5",
                  "/model/layers/0/units: expected an integer, got 16.5");
  }
  SUBCASE("negative units") {
    summary_error("model.layers.0.units=-16",
                  "/model/layers/0/units: expected a positive integer, got -16");
  }
  SUBCASE("learning rate <= 0") {
    summary_error("optimizer.lr=0", "/optimizer/lr: expected a positive number, got 0");
    summary_error("optimizer.lr=-0.1", "/optimizer/lr: expected a positive number, got -0.1");
  }
  SUBCASE("batch size 0") {
    summary_error("train.batch_size=0", "/train/batch_size: expected a positive integer, got 0");
  }
  SUBCASE("output size that does not match the data's classes") {
    summary_error("model.layers.3.units=7",
                  "/model: the network outputs [7] per sample, but mnist has 10 classes");
  }
}

TEST_CASE("cli: unreadable config files name the file and the reason") {
  TempDir dir("cli_errors");
  SUBCASE("missing") {
    check_error({"summary", dir.path("nope.json")},
                "minima summary: error: " + dir.path("nope.json") +
                    ": cannot read: No such file or directory");
  }
  SUBCASE("a directory") {
    check_error({"summary", dir.path()},
                "minima summary: error: " + dir.path() + ": cannot read: Is a directory");
  }
  SUBCASE("truncated JSON: line and column") {
    const std::string text = kTinyConfig;
    write_text(dir.path("c.json"),
               text.substr(0, text.find("16}")));  // line 2 ends after '"units": ' (65 characters)
    check_error({"summary", dir.path("c.json")},
                "minima summary: error: " + dir.path("c.json") +
                    ": line 2, column 66: syntax error while parsing value - unexpected end of "
                    "input; expected '[', '{', or "
                    "a literal");
  }
  SUBCASE("a data file given as the config: refused by size before reading") {
    write_text(dir.path("train-images"), std::string(2 << 20, '\0'));
    check_error({"summary", dir.path("train-images")},
                "minima summary: error: " + dir.path("train-images") +
                    ": 2.0 MB exceeds the limit of 1.0 MB");
  }
  SUBCASE("nested 400000 levels deep (overflowed the stack in nlohmann's recursive copy)") {
    write_text(dir.path("c.json"),
               R"({"seed": )" + std::string(400000, '[') + std::string(400000, ']') + "}");
    check_error({"summary", dir.path("c.json")},
                "minima summary: error: " + dir.path("c.json") + ": nested deeper than 64 levels");
  }
  SUBCASE("a number beyond double (a raw nlohmann out_of_range escaped before)") {
    write_text(dir.path("c.json"), R"({"seed": 1e400})");
    check_error({"summary", dir.path("c.json")}, "minima summary: error: " + dir.path("c.json") +
                                                     ": number overflow parsing '1e400'");
  }
  SUBCASE("not JSON at all (a binary file)") {
    write_raw(dir.path("c.json"), idx_labels({1, 2, 3}));
    const CliResult r = run_cli({"summary", dir.path("c.json")});
    CHECK(r.exit_code == 1);
    CHECK(first_line(r.err).starts_with("minima summary: error: " + dir.path("c.json") +
                                        ": line 1, column 1: "));
  }
}

TEST_CASE("cli: command-line mistakes exit 2 with the usage") {
  check_error({"summary"}, "minima summary: missing the config file", 2);
  check_error({"summary", "a.json", "--frobnicate"},
              "minima summary: unknown option '--frobnicate'", 2);
  check_error({"frobnicate"}, "minima: unknown command 'frobnicate' (see minima --help)", 2);
  check_error({"train", "a.json", "--resume"}, "minima train: --resume needs a value", 2);
  check_error({"export", "run", "--fold-bn", "out", "--batch", "1"},
              "minima export: --batch expects an integer 2..999999, got '1'", 2);
  check_error({"export", "run", "--fold-bn", "out", "--batch", "+50"},
              "minima export: --batch expects an integer 2..999999, got '+50'", 2);
  check_error({"bench", "--steps", "12x"},
              "minima bench: --steps expects a positive integer, got '12x'", 2);
  for (const char* command : {"train", "eval", "summary", "compare"})
    check_error({command, "a.json", "--set", "optimizer.lr"},
                std::string("minima ") + command +
                    ": --set expects KEY=VALUE (e.g. optimizer.lr=0.1), got 'optimizer.lr'",
                2);
  check_error({"train", "a.json", "--set==1"},
              "minima train: --set expects KEY=VALUE (e.g. optimizer.lr=0.1), got '=1'", 2);
}

namespace {

// The two-blob data set and its config (train_fixture.hpp) in `dir`.
std::string blob_run(const TempDir& dir, const nlohmann::json& changes = nlohmann::json::object()) {
  write_blobs(dir.path());
  const std::string config = dir.path("blobs.json");
  minima::write_file_atomically(config,
                                blob_config_json(dir.path(), dir.path("run"), changes).dump(2));
  return config;
}

}  // namespace

TEST_CASE("cli: bad data files name the file and what is wrong with it") {
  TempDir dir("cli_data");
  const std::string config = blob_run(dir);
  const std::string images = dir.path("train-images-idx3-ubyte"),
                    labels = dir.path("train-labels-idx1-ubyte");
  const auto train_error = [&](const std::string& message) {
    check_error({"train", config, "--quiet"}, "minima train: error: " + message);
  };
  SUBCASE("missing data files") {
    std::filesystem::remove(images);
    train_error(dir.path() +
                ": neither train-images-idx3-ubyte nor train-images-idx3-ubyte.gz found; to get "
                "the data run "
                "scripts/fetch-data.sh mnist " +
                dir.path() + " (or: fetch-data.sh fashion " + dir.path() + " for Fashion-MNIST)");
  }
  SUBCASE("wrong IDX magic: a label file given where images belong") {
    std::filesystem::copy_file(labels, images, std::filesystem::copy_options::overwrite_existing);
    train_error(images +
                ": wrong magic 0x00000801 (expected 2051 = 0x00000803, an IDX image file); "
                "0x00000801 marks an "
                "IDX label file");
  }
  SUBCASE("header counts larger than the file") {
    Bytes bytes = read_all(images);
    bytes[7] = 44;  // count 256 -> 300
    write_raw(images, bytes);
    train_error(images +
                ": header says 300 images of 4x4 (4800 bytes) but the file holds 4096 bytes after "
                "the header");
  }
  SUBCASE("a header claiming 4 billion images is refused before allocating") {
    Bytes bytes = read_all(images);
    for (int i = 4; i < 8; ++i) bytes[size_t(i)] = 0xff;
    write_raw(images, bytes);
    train_error(images +
                ": header says 4294967295 images of 4x4 (68719476720 bytes), more than the limit "
                "of 2147483648 "
                "bytes (IdxLimits::max_bytes)");
  }
  SUBCASE("a truncated gzip file") {
    Bytes bytes = read_all(images);
    write_gzip(images + ".gz", bytes);
    std::filesystem::remove(images);
    Bytes gz = read_all(images + ".gz");
    gz.resize(gz.size() / 2);
    write_raw(images + ".gz", gz);
    train_error(images + ".gz: truncated gzip stream (the compressed data ends early)");
  }
  SUBCASE("a label the model has no output for is blamed on the label file") {
    Bytes bad(256, 1);
    bad[7] = 200;
    write_raw(labels, idx_labels(bad));
    train_error(labels + ": label 200 is outside the model's 10 classes (0..9)");
  }
  SUBCASE("image and label counts disagree") {
    write_raw(labels, idx_labels(Bytes(255, 1)));
    train_error(labels + ": holds 255 labels but " + images + " holds 256 images");
  }
}

TEST_CASE("cli: training settings the data or the layers cannot take") {
  TempDir dir("cli_train_settings");
  const std::string config = blob_run(dir);
  SUBCASE("a batch of one with BatchNorm in training") {
    check_error({"train", config, "--quiet", "--set", "train.batch_size=1"},
                "minima train: error: " + config +
                    ": /train/batch_size: expected at least 2 with batchnorm layer "
                    "'bn1' (it normalizes "
                    "over the batch; one sample has no variance)");
  }
  SUBCASE("a batch larger than the training set") {
    check_error({"train", config, "--quiet", "--set", "train.batch_size=1000"},
                "minima train: error: " + config +
                    ": /train/batch_size: expected at most the 256 training "
                    "samples, got 1000");
  }
  SUBCASE("an output layer that does not match the classes") {
    check_error({"train", config, "--quiet", "--set", "model.layers.3.units=4"},
                "minima train: error: " + config +
                    ": /model: expected a last layer with 10 outputs (one per class "
                    "of the data set), got [4]");
  }
}

TEST_CASE(
    "cli: damaged or mismatched checkpoints are refused by `minima eval`, naming the file and the "
    "problem") {
  TempDir dir("cli_checkpoint");
  const std::string config = blob_run(dir, {{"train", {{"steps", 10}}}});
  const CliResult trained = run_cli({"train", config, "--quiet"});
  CAPTURE(trained.err);
  REQUIRE(trained.exit_code == 0);
  const std::string run = dir.path("run"), model = dir.path("run/model.safetensors");
  const std::string good = read_text(model);
  REQUIRE(run_cli({"eval", run}).exit_code == 0);

  // Rewrites the checkpoint with `change` applied to its decoded tensors.
  const auto rewrite = [&](auto change) {
    minima::SafetensorsContents contents = minima::decode_safetensors(good, model);
    change(contents.tensors);
    minima::save_safetensors(model, contents.tensors, contents.metadata);
  };
  const auto eval_error = [&](const std::string& message) {
    check_error({"eval", run}, "minima eval: error: " + message);
  };
  SUBCASE("no checkpoint file at all") {
    std::filesystem::remove(model);
    eval_error(model + ": cannot read: No such file or directory");
  }
  SUBCASE("a missing tensor") {
    rewrite([](std::vector<minima::TensorEntry>& t) {
      std::erase_if(t, [](auto& e) { return e.name == "bn1.running_var"; });
    });
    eval_error(model + ": missing tensor 'bn1.running_var'");
  }
  SUBCASE("a wrong shape") {
    rewrite([](std::vector<minima::TensorEntry>& t) {
      for (auto& e : t)
        if (e.name == "fc1.weight") e.shape = {4, 32};
    });
    eval_error(model + ": tensor 'fc1.weight' has shape [4, 32] but the model expects [8, 16]");
  }
  SUBCASE("a truncated body") {
    minima::write_file_atomically(model, good.substr(0, good.size() - 100));
    // The file's data: fc1 (16*8 + 8 floats), bn1 (8 + 8), fc2 (8*10 + 10) = 968 bytes, then the
    // buffers.
    eval_error(model +
               ": tensor 'fc2.bias' ends at data byte 968 but the file holds only 940 data bytes "
               "(truncated file?)");
  }
  SUBCASE("a header length larger than the file") {
    std::string bytes = good;
    bytes[1] = char(0xc3);  // 512 -> 50000 (0xc350), little-endian
    bytes[0] = char(0x50);
    minima::write_file_atomically(model, bytes);
    eval_error(model + ": header length 50000 exceeds the " + std::to_string(good.size() - 8) +
               " bytes after the length prefix (truncated file?)");
  }
  SUBCASE("a header length claiming a terabyte") {
    std::string bytes = good;
    const uint64_t length = uint8_t(bytes[0]) | uint64_t(uint8_t(bytes[1]))
                                                    << 8;  // a few hundred bytes
    bytes[5] = 1;                                          // + 2^40
    minima::write_file_atomically(model, bytes);
    eval_error(model + ": header of " + std::to_string((uint64_t(1) << 40) + length) +
               " bytes exceeds the limit of 100000000");
  }
  SUBCASE("not a checkpoint at all") {
    minima::write_file_atomically(model, "hello, I am a text file\n");
    eval_error(
        model +
        ": header of 5269260421095515496 bytes exceeds the limit of 100000000");  // "hello, I"
  }
  SUBCASE(
      "a header nested 400000 levels deep (overflowed the stack in nlohmann's recursive dump)") {
    const std::string header =
        R"({"fc1.weight": )" + std::string(400000, '[') + std::string(400000, ']') + "}";
    std::string bytes(8, '\0');
    const uint64_t length = header.size();
    for (int i = 0; i < 8; ++i) bytes[size_t(i)] = char(length >> (8 * i));
    minima::write_file_atomically(model, bytes + header);
    eval_error(model + ": header is nested deeper than 64 levels");
  }
  SUBCASE("a number beyond double in the header") {
    const std::string header =
        R"({"fc1.weight": {"dtype": "F32", "shape": [1e400], "data_offsets": [0, 4]}})";
    std::string bytes(8, '\0');
    bytes[0] = char(header.size());
    minima::write_file_atomically(model, bytes + header);
    eval_error(model + ": header is not valid JSON: number overflow parsing '1e400'");
  }
  SUBCASE("an empty file") {
    minima::write_file_atomically(model, "");
    eval_error(model + ": file of 0 bytes is too short for the 8-byte header length");
  }
}

TEST_CASE("cli: a config given to the wrong command says which command it is for") {
  TempDir dir("cli_wrong_command");
  const std::string run_config = dir.path("run.json"), compare_config = dir.path("compare.json");
  write_text(run_config, kTinyConfig);
  write_text(compare_config,
             R"({"base": "run.json", "variants": {"plain": {}, "bn": {"model.batchnorm": true}}})");
  check_error({"train", compare_config},
              "minima train: error: " + compare_config +
                  ": a comparison of runs (it has \"base\"), not a run config: run it with `minima "
                  "compare " +
                  compare_config + "`");
  check_error({"compare", run_config},
              "minima compare: error: " + run_config +
                  ": a run config (it has \"model\"), not a comparison of runs: train it with "
                  "`minima train " +
                  run_config + "`");
}

TEST_CASE("cli: --set can fill a section the config leaves out") {
  TempDir dir("cli_set_section");
  const std::string config = dir.path("c.json");
  nlohmann::json tiny = nlohmann::json::parse(kTinyConfig);
  REQUIRE_FALSE(tiny.contains("output"));
  write_text(config, tiny.dump());
  const CliResult r = run_cli({"summary", config, "--set", "output.dir=" + dir.path("elsewhere")});
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  // A typo in a section name is still refused.
  check_error({"summary", config, "--set", "outptu.dir=x"},
              "minima summary: error: " + config +
                  ": /outptu: no such key to override (from 'outptu.dir')");
}

// Run configs: defaults, resolved() round trips, overrides, every error path
// with its JSON pointer, JSON syntax errors with line and column, and every
// shipped configs/*.json.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include <minima/config/config_override.hpp>
#include <minima/platform/threads.hpp>
#include <minima/train/run_config.hpp>
#include "tests/build_paths.hpp"
#include "tests/run_command.hpp"

using namespace minima;
namespace fs = std::filesystem;

namespace {

json tiny_config() {
  return {{"model", {{"type", "mlp"}, {"hidden", {8}}}},
          {"optimizer", {{"type", "sgd"}, {"lr", 0.1}}},
          {"train", {{"steps", 10}}}};
}

// The message parse_run_config gives for tiny_config() after the override.
std::string error_after(const std::string& assignment) {
  json config = tiny_config();
  apply_override(config, assignment);
  try {
    parse_run_config(config, "configs/tiny.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// A temporary file holding `text`, removed at scope exit.
struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& text) {
    static int count = 0;
    path = fs::temp_directory_path() / ("minima_test_run_config_" + std::to_string(::getpid()) +
                                        "_" + std::to_string(++count) + ".json");
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove(path); }
};

}  // namespace

TEST_CASE("run config defaults") {
  const RunConfig c = parse_run_config(tiny_config(), "configs/tiny.json");
  CHECK(c.source == "configs/tiny.json");
  CHECK(c.description == "");
  CHECK(c.seed == 0);
  CHECK(c.data.dataset == "mnist");
  CHECK(c.data.dir == "data/mnist");
  CHECK(c.data.validation == 0);
  CHECK(c.data.normalize == "scale");
  CHECK(c.train.batch_size == 60);
  CHECK(c.train.steps == 10);
  CHECK(c.train.epochs == 0);
  CHECK(c.train.eval_every == 0);
  CHECK_FALSE(c.train.eval_early);
  CHECK(c.train.threads == 0);
  CHECK(c.output.dir == "runs/tiny");
  CHECK(c.output.checkpoint_every == 0);
  CHECK(c.optimizer == json{{"type", "sgd"},
                            {"lr", 0.1},
                            {"momentum", 0.0},
                            {"nesterov", false},
                            {"weight_decay", 0.0}});
  CHECK(c.schedule == json{{"type", "constant"}, {"warmup_steps", 0}});
  CHECK(c.model == json{{"type", "mlp"}, {"hidden", {8}}});
  REQUIRE(c.layers.size() == 3);
  CHECK(c.layers[0] ==
        json{{"type", "dense"}, {"name", "fc1"}, {"units", 8}, {"bias", true}, {"init", "he"}});
  CHECK(c.layers[1] == json{{"type", "relu"}, {"name", "relu1"}});
  CHECK(c.layers[2]["units"] == 10);
}

TEST_CASE("resolved() parses back to the same config") {
  json builder = tiny_config();
  builder["model"]["batchnorm"] = true;
  json explicit_layers = tiny_config();
  explicit_layers["model"] = {{"layers",
                               {{{"type", "dense"}, {"units", 32}},
                                {{"type", "tanh"}},
                                {{"type", "dense"}, {"units", 10}}}}};
  json idx = tiny_config();
  idx["data"] = {{"dataset", "idx"},
                 {"dir", "/tmp/digits"},
                 {"normalize", "standardize"},
                 {"validation", 100}};
  idx["schedule"] = {{"type", "cosine"}, {"warmup_steps", 3}};
  idx["train"] = {{"epochs", 2}, {"batch_size", 32}, {"eval_every", 50}, {"threads", 1}};
  idx["optimizer"] = {{"type", "adam"}};
  for (const json& config : {builder, explicit_layers, idx}) {
    const json resolved = parse_run_config(config, "a/b/x.json").resolved();
    CAPTURE(resolved.dump());
    CHECK(parse_run_config(resolved, "elsewhere.json").resolved() == resolved);
  }
  const json r = parse_run_config(explicit_layers, "x.json").resolved();
  CHECK(r["model"]["layers"][0] ==
        json{{"type", "dense"}, {"name", "dense1"}, {"units", 32}, {"bias", true}, {"init", "he"}});
  CHECK(r["model"]["layers"][1] == json{{"type", "tanh"}, {"name", "tanh1"}});
  CHECK(r["output"]["dir"] == "runs/x");
  // A builder model keeps its spec and lists its expansion beside it.
  const json b = parse_run_config(builder, "x.json").resolved();
  CHECK(b["model"]["type"] == "mlp");
  CHECK(b["model"]["batchnorm"] == true);
  CHECK(b["model"]["layers"][1]["name"] == "bn1");
  CHECK(b["model"]["layers"][1]["eps"] == doctest::Approx(1e-5));
  CHECK(b["data"]["dir"] == "data/mnist");
  CHECK(b["train"] == json{{"batch_size", 60},
                           {"epochs", 0},
                           {"steps", 10},
                           {"eval_every", 0},
                           {"eval_early", false},
                           {"threads", 0}});
}

TEST_CASE("run config errors name the pointer") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bogus=1",
       "/bogus: unknown key; known keys here: data, description, model, optimizer, output, "
       "schedule, seed, train"},
      {"description=3", "/description: expected a string, got 3"},
      {"seed=-1", "/seed: expected an integer >= 0, got -1"},
      {"seed=0.5", "/seed: expected an integer, got 0.5"},
      {"data=[]", "/data: expected an object {...}, got []"},
      {"data={\"dataset\": \"cifar\"}",
       "/data/dataset: expected one of \"mnist\", \"fashion\", \"idx\", \"folder\", got \"cifar\""},
      {"data={\"validation\": -5}", "/data/validation: expected a number of samples >= 0, got -5"},
      {"data={\"validation\": 60000}",
       "/data/validation: expected fewer than the 60000 training samples of mnist, got 60000"},
      {"data={\"normalize\": \"zscore\"}",
       "/data/normalize: expected \"scale\" or \"standardize\", got \"zscore\""},
      {"data={\"dir\": \"\"}", "/data/dir: expected a directory path, got \"\""},
      {"data={\"dirr\": \"x\"}",
       "/data/dirr: unknown key; known keys here: dataset, dir, normalize, validation"},
      {"train.batch_size=0", "/train/batch_size: expected a positive integer, got 0"},
      {"train.epochs=2",
       "/train/steps: cannot be combined with epochs; give exactly one of them (to train by steps "
       "a config that gives epochs: --set train.epochs=0)"},
      {"train.steps=0", "/train: expected a training length: \"epochs\" or \"steps\" > 0"},
      {"train.steps=-1", "/train/steps: expected an integer >= 0, got -1"},
      {"train.epochs=-1", "/train/epochs: expected an integer >= 0, got -1"},
      {"train.eval_every=-1",
       "/train/eval_every: expected a number of steps >= 0 (0 = once per epoch), got -1"},
      {"train.eval_early=1", "/train/eval_early: expected true or false, got 1"},
      {"train.eval_early=\"yes\"", "/train/eval_early: expected true or false, got \"yes\""},
      {"train.threads=-2", "/train/threads: expected a number of threads from 0 (automatic) to " +
                               std::to_string(4 * minima::available_cpus()) +
                               " (4 x the CPUs this process may use), got -2"},
      {"train.threads=100000",
       "/train/threads: expected a number of threads from 0 (automatic) to " +
           std::to_string(4 * minima::available_cpus()) +
           " (4 x the CPUs this process may use), got 100000"},
      {"train.threads=2147483648",
       "/train/threads: expected an integer from -2147483648 to 2147483647, got 2147483648"},
      {"model.hidden=[8, 1099511627776]",
       "/model/hidden/1: 1099511627776 units is more than the 2147483647 a dense layer can have"},
      {"train.batch=3",
       "/train/batch: unknown key; known keys here: batch_size, epochs, eval_early, eval_every, "
       "steps, threads"},
      {"optimizer.lr=-1", "/optimizer/lr: expected a positive number, got -1"},
      {"optimizer=\"sgd\"", "/optimizer: expected an object {...}, got \"sgd\""},
      {"schedule={\"type\": \"exp\"}",
       "/schedule/type: unknown schedule 'exp'; known: constant, cosine, step"},
      {"schedule={\"warmup_steps\": 10}",
       "/schedule/warmup_steps: expected fewer than the run's 10 steps, got 10"},
      {"output={\"checkpoint_every\": -1}",
       "/output/checkpoint_every: expected a number of steps >= 0 (0 = at every evaluation), got "
       "-1"},
      {"output={\"dir\": \"\"}", "/output/dir: expected a directory path, got \"\""},
      {"output={\"path\": \"x\"}",
       "/output/path: unknown key; known keys here: checkpoint_every, dir"},
      {"model=3",
       "/model: expected {\"layers\": [...]} or a model builder such as {\"type\": \"mlp\", ...}"},
      {"model={\"hidden\": [8]}",
       "/model: expected {\"layers\": [...]} or a model builder such as {\"type\": \"mlp\", ...}"},
      {"model.hidden=[8, -3]", "/model/hidden/1: expected a positive number of units, got -3"},
      {"model.type=resnet",
       "/model/type: unknown model builder 'resnet'; known builders: cnn, mlp"},
      {"model.classes=5", "/model: the network outputs [5] per sample, but mnist has 10 classes"},
      {"model={\"layers\": []}",
       "/model/layers: expected a non-empty list of layers [{\"type\": ...}, ...]"},
      {"model={\"layers\": [{\"type\": \"dense\", \"units\": 10}], \"units\": 3}",
       "/model/units: unknown key; known keys here: layers"},
      {"model={\"layers\": [{\"type\": \"dense\", \"units\": 10, \"unitz\": 3}]}",
       "/model/layers/0/unitz: unknown key; known keys here: bias, init, inputs, name, std, type, "
       "units"},
      {"model={\"layers\": [{\"type\": \"dense\", \"units\": 0}]}",
       "/model/layers/0/units: expected a positive integer, got 0"},
  };
  for (const auto& [assignment, message] : cases) {
    CAPTURE(assignment);
    CHECK(error_after(assignment) == message);
  }
  json no_model = tiny_config();
  no_model.erase("model");
  CHECK_THROWS_WITH_AS(parse_run_config(no_model, "x.json"), "/model: is required", ConfigError);
  json no_optimizer = tiny_config();
  no_optimizer.erase("optimizer");
  CHECK_THROWS_WITH_AS(parse_run_config(no_optimizer, "x.json"),
                       "/optimizer: is required (an object {...})", ConfigError);
  CHECK_THROWS_WITH_AS(parse_run_config(json::array(), "x.json"),
                       "/: expected an object {...}, got []", ConfigError);
}

TEST_CASE("a builder model's listed layers must match its expansion") {
  json resolved = parse_run_config(tiny_config(), "x.json").resolved();
  apply_override(resolved, "model.hidden=[8, 4]");
  CHECK_THROWS_WITH_AS(parse_run_config(resolved, "x.json"),
                       "/model/layers/2: differs from what the mlp builder expands to; delete "
                       "/model/layers to use the "
                       "builder, or /model/type to use the list",
                       ConfigError);
}

TEST_CASE("idx data: the layer list is checked without an input shape") {
  json config = tiny_config();
  config["data"] = {{"dataset", "idx"}};
  config["model"]["classes"] = 5;  // unknown class count: accepted
  const RunConfig c = parse_run_config(config, "x.json");
  CHECK(c.data.dir == "data/idx");
  CHECK(!known_sample_shape(c.data).has_value());
  CHECK(known_sample_shape(DataConfig{}) == Shape{1, 28, 28});
  config["model"] = {{"layers", {{{"type", "dense"}, {"units", 5}, {"bias", 1}}}}};
  CHECK_THROWS_WITH_AS(parse_run_config(config, "x.json"),
                       "/model/layers/0/bias: expected true or false, got 1", ConfigError);
}

TEST_CASE("load_run_config applies overrides in order") {
  TempFile file(tiny_config().dump(2));
  CHECK(load_run_config(file.path.string()).optimizer["lr"] == 0.1);
  CHECK(load_run_config(file.path.string(), {"optimizer.lr=0.25"}).optimizer["lr"] == 0.25);
  const RunConfig c = load_run_config(
      file.path.string(),
      {"optimizer.lr=0.25", "optimizer.lr=0.5", "model.batchnorm=true", "optimizer.type=adam"});
  CHECK(c.optimizer["lr"] == 0.5);
  CHECK(c.optimizer["type"] == "adam");
  CHECK(c.layers[1]["type"] == "batchnorm");
  CHECK(c.output.dir == "runs/" + file.path.stem().string());
  // Errors name the file they are about.
  CHECK_THROWS_WITH_AS(
      load_run_config(file.path.string(), {"optimzer.lr=0.1"}),
      (file.path.string() + ": /optimzer: no such key to override (from 'optimzer.lr')").c_str(),
      ConfigError);
  CHECK_THROWS_WITH_AS(
      load_run_config(file.path.string(), {"optimizer.lrr=0.1"}),
      (file.path.string() +
       ": /optimizer/lrr: unknown key; known keys here: lr, momentum, nesterov, type, weight_decay")
          .c_str(),
      ConfigError);
}

TEST_CASE("load_run_config: JSON syntax errors give file, line and column") {
  TempFile file("{\n  \"seed\": 1,\n  \"model\": tru\n}\n");
  const std::string p = file.path.string();
  CHECK_THROWS_WITH(load_run_config(p),
                    (p + ": line 3, column 15: syntax error while parsing value - invalid literal; "
                         "last read: '\"model\": tru<U+000A>'")
                        .c_str());
  TempFile trailing("{\"seed\": 1,}");
  CHECK_THROWS_WITH(load_run_config(trailing.path.string()),
                    (trailing.path.string() +
                     ": line 1, column 12: syntax error while parsing object key - unexpected "
                     "'}'; expected string literal")
                        .c_str());
  CHECK_THROWS_WITH(load_run_config("/nonexistent/x.json"),
                    "/nonexistent/x.json: cannot read: No such file or directory");
}

TEST_CASE(
    "every configs/*.json parses, and each BN config differs from its plain twin only in "
    "batchnorm") {
  std::set<std::string> names;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(fs::path(minima::test::source_dir()) / "configs")) {
    if (entry.path().extension() != ".json") continue;
    if (entry.path().stem().string().starts_with("compare_"))
      continue;  // compare configs: test_compare_config.cpp
    CAPTURE(entry.path().string());
    const RunConfig c = load_run_config(entry.path().string());
    CHECK(c.description.size() > 40);
    names.insert(entry.path().stem().string());
  }
  CHECK(names.size() >= 6);
  const std::string dir = minima::test::source_dir() + "/configs/";
  for (const auto& [plain_name, bn_name] :
       {std::pair{"mnist_mlp", "mnist_mlp_bn"}, std::pair{"paper_fig1_plain", "paper_fig1_bn"},
        std::pair{"fashion_mlp", "fashion_mlp_bn"}, std::pair{"mnist_lenet", "mnist_lenet_bn"},
        std::pair{"fashion_lenet", "fashion_lenet_bn"}}) {
    CAPTURE(plain_name);
    json plain = load_run_config(dir + plain_name + ".json").resolved();
    json bn = load_run_config(dir + bn_name + ".json").resolved();
    CHECK(plain["model"]["batchnorm"] == false);
    CHECK(bn["model"]["batchnorm"] == true);
    for (json* c : {&plain, &bn}) {
      c->erase("description");
      (*c)["output"].erase("dir");
      (*c)["model"].erase("batchnorm");
      (*c)["model"].erase("layers");
    }
    CHECK(plain == bn);
  }
  // The paper's Figure 1 setup (Ioffe & Szegedy 2015, section 4.1).
  const RunConfig fig1 = load_run_config(dir + "paper_fig1_bn.json");
  CHECK(fig1.train.batch_size == 60);
  CHECK(fig1.train.steps == 50000);
  CHECK(fig1.train.eval_every == 1000);
  CHECK(fig1.optimizer["lr"] == 0.5);  // calibrated: docs/lesson-calibration.md
  CHECK(fig1.optimizer["momentum"] == 0.0);
  CHECK(fig1.layers.size() == 10);
  CHECK(fig1.layers[0]["std"] == 0.01);
}

TEST_CASE("sample_shape reads an idx data set's image header") {
  const fs::path dir =
      fs::temp_directory_path() / ("minima_test_idx_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // 00 00 08 03, then dims 3 x 5 x 4 (big-endian) and 60 pixel bytes.
  std::string bytes = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0, 4};
  std::ofstream(dir / "train-images-idx3-ubyte", std::ios::binary)
      << bytes << std::string(60, '\x7f');
  DataConfig data;
  data.dataset = "idx";
  data.dir = dir.string();
  CHECK(sample_shape(data) == Shape{1, 5, 4});
  std::ofstream(dir / "train-images-idx3-ubyte", std::ios::binary)
      << std::string{0, 0, 8, 1, 0, 0, 0, 3};
  CHECK_THROWS_WITH(
      sample_shape(data),
      (dir.string() + "/train-images-idx3-ubyte: wrong magic 0x00000801 (expected 2051 = "
                      "0x00000803, an IDX image file); 0x00000801 marks an IDX label file")
          .c_str());
  fs::remove_all(dir);
  CHECK_THROWS_WITH(sample_shape(data),
                    (dir.string() + ": no train-images-idx3-ubyte or train-images-idx3-ubyte.gz "
                                    "to read the input shape from")
                        .c_str());
  CHECK(sample_shape(DataConfig{}) == Shape{1, 28, 28});
}

TEST_CASE("minima summary prints the layer table and totals") {
  const std::string command = minima::test::cli() + " summary " + minima::test::source_dir() +
                              "/configs/paper_fig1_bn.json --set model.hidden=[100,50] 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  CHECK(::pclose(pipe) == 0);
  CAPTURE(output);
  // Params 784*100 + 2*100 (BN) + 100*50 + 2*50 + 50*10 + 10 = 84,210;
  // buffers (100+100+1) + (50+50+1) = 302.
  CHECK(output.find("fc1 (dense)                    [N, 100]                 78,400\n") !=
        std::string::npos);
  CHECK(output.find("bn2 (batchnorm)                [N, 50]                     100\n") !=
        std::string::npos);
  CHECK(output.find("fc3 (dense)                    [N, 10]                     510\n") !=
        std::string::npos);
  CHECK(output.find("Trainable params: 84,210\n") != std::string::npos);
  CHECK(output.find("Buffer values:    302 (running statistics, not trained)\n") !=
        std::string::npos);
  CHECK(output.find("Size:             338,048 bytes") != std::string::npos);
  CHECK(output.find("(mnist data, input [N, 784])\n") != std::string::npos);
}

TEST_CASE("minima summary shows a CNN's image shapes, from the input [N, 1, 28, 28] on") {
  const auto [status, output] =
      test::run_command(minima::test::cli() + " summary " + minima::test::source_dir() +
                        "/configs/mnist_lenet_bn.json");
  INFO(output);
  CHECK(status == 0);
  CHECK(output.find("(mnist data, input [N, 1, 28, 28])\n") != std::string::npos);
  CHECK(output.find("conv1 (conv2d)                 [N, 6, 28, 28]              150\n") !=
        std::string::npos);
  CHECK(output.find("bn2 (batchnorm)                [N, 16, 10, 10]              32\n") !=
        std::string::npos);
  CHECK(output.find("pool2 (avgpool2d)              [N, 16, 5, 5]                 0\n") !=
        std::string::npos);
  CHECK(output.find("flatten (flatten)              [N, 400]                      0\n") !=
        std::string::npos);
}

// `minima --plugin FILE`, checked on the real `minima` binary with the
// custom-layer example's LayerNorm built as a plugin: its layer joins the
// registry and trains like a built-in one, and a plugin that does not load
// is a command-line mistake (one line naming the file, exit status 2).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/build_paths.hpp"
#include "tests/cli_runner.hpp"
#include "tests/temp_dir.hpp"
#include "tests/train_fixture.hpp"

using namespace minima::test;

namespace {

const std::string kLayerNormPlugin = layernorm_plugin();

// The two blobs (train_fixture.hpp) in `dir` and a config over them whose
// hidden layer is normalized by the plugin's "layernorm"; returns its path.
std::string plugin_layernorm_run(const TempDir& dir) {
  write_blobs(dir.path());
  const nlohmann::json layers = {{{"type", "dense"}, {"name", "fc1"}, {"units", 8}},
                                 {{"type", "layernorm"}, {"name", "ln1"}},
                                 {{"type", "relu"}},
                                 {{"type", "dense"}, {"name", "fc2"}, {"units", 10}}};
  const std::string config = dir.path("layernorm.json");
  write_text(
      config,
      blob_config_json(dir.path(), dir.path("run"), {{"model", {{"layers", layers}}}}).dump(2));
  return config;
}

// Checks that `minima ARGS` was refused as a command-line mistake: exit 2 and
// the one line "minima: --plugin FILE: <why> (see minima --help)".
void check_plugin_refused(const CliResult& r, const std::string& file, const std::string& why) {
  CAPTURE(r.err);
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(first_line(r.err) == "minima: --plugin " + file + ": " + why + " (see minima --help)");
}

}  // namespace

TEST_CASE("cli --plugin: `minima layers` lists the plugin's layer beside the built-in ones") {
  const CliResult plain = run_cli({"layers"});
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find("\nlayernorm\n") == std::string::npos);

  const CliResult with_plugin = run_cli({"--plugin", kLayerNormPlugin, "layers"});
  CAPTURE(with_plugin.err);
  CHECK(with_plugin.exit_code == 0);
  CHECK(with_plugin.err.empty());
  CHECK(with_plugin.out.find("\nlayernorm\n") != std::string::npos);
  CHECK(with_plugin.out.find("\nbatchnorm\n") != std::string::npos);
}

TEST_CASE("cli --plugin: a config with the plugin's layer trains, and evaluates with it") {
  TempDir dir("plugin_train");
  const std::string config = plugin_layernorm_run(dir);
  const CliResult trained = run_cli({"--plugin", kLayerNormPlugin, "train", config, "--quiet"});
  CAPTURE(trained.err);
  REQUIRE(trained.exit_code == 0);
  CHECK(std::filesystem::exists(dir.path("run/model.safetensors")));

  const CliResult evaluated = run_cli({"--plugin", kLayerNormPlugin, "eval", dir.path("run")});
  CAPTURE(evaluated.err);
  CHECK(evaluated.exit_code == 0);
  CHECK(evaluated.out.find("accuracy") != std::string::npos);

  const CliResult without = run_cli({"eval", dir.path("run")});
  CHECK(without.exit_code == 1);
  CHECK(without.err.find("unknown layer type 'layernorm'") != std::string::npos);
}

TEST_CASE("cli --plugin: a plugin that does not load is a command-line mistake naming the file") {
  TempDir dir("plugin_errors");
  SUBCASE("no such file") {
    const std::string missing = dir.path("libmissing.so");
    check_plugin_refused(run_cli({"--plugin", missing, "layers"}), missing,
                         "cannot open shared object file: No such file or directory");
  }
  SUBCASE("not a shared library (a config, longer than an ELF header)") {
    const std::string config = dir.path("config.json");
    write_text(config,
               R"({"model": {"layers": [{"type": "layernorm", "name": "ln1"}]}, "seed": 1})");
    check_plugin_refused(run_cli({"--plugin", config, "layers"}), config, "invalid ELF header");
  }
  SUBCASE("a second copy registers its layer type again") {
    const std::string copy = dir.path("liblayernorm_copy.so");
    std::filesystem::copy_file(kLayerNormPlugin, copy);
    check_plugin_refused(run_cli({"--plugin", kLayerNormPlugin, "--plugin", copy, "layers"}), copy,
                         "layer type 'layernorm' is registered twice");
  }
}

TEST_CASE("cli --plugin: a name without '/' is a file in the working directory") {
  TempDir dir("plugin_cwd");
  std::filesystem::copy_file(kLayerNormPlugin, dir.path("liblayernorm.so"));
  CliOptions in_dir;
  in_dir.cwd = dir.path();
  const CliResult r = run_cli({"--plugin", "liblayernorm.so", "layers"}, in_dir);
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\nlayernorm\n") != std::string::npos);
}

// The command line every command shares, checked on the real `minima`
// binary for every registered command: generated help that names each
// declared option, `minima help CMD`, `--version`, `--set` in both
// spellings, and exit status 2 for every command-line mistake.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include "cli/command.hpp"
#include "tests/cli_runner.hpp"
#include "tests/temp_dir.hpp"

using namespace minima::test;
using minima::cli::command_registry;

namespace {

// The options `name` declares, as its entry declares them on a fresh app.
std::vector<std::string> declared_options(const std::string& name) {
  CLI::App app;
  command_registry().find(name)->declare(app);
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options())
    if (option->get_name() != "--help") names.push_back(option->get_name());
  return names;
}

bool takes_overrides(const std::string& name) {
  CLI::App app;
  command_registry().find(name)->declare(app);
  return app.get_option_no_throw("--set") != nullptr;
}

// A valid config that needs no data files to be read.
const char* kOneLayerConfig = R"({
  "model": {"layers": [{"type": "dense", "name": "fc1", "units": 10}]},
  "optimizer": {"type": "sgd", "lr": 0.1},
  "train": {"batch_size": 8, "steps": 10}
})";

}  // namespace

TEST_CASE("cli: minima --help lists every command, minima alone prints it and exits 2") {
  const CliResult help = run_cli({"--help"});
  CHECK(help.exit_code == 0);
  for (const std::string& name : command_registry().names()) {
    CAPTURE(name);
    CHECK(help.out.find("\n  " + name + " ") != std::string::npos);
  }
  const CliResult bare = run_cli({});
  CHECK(bare.exit_code == 2);
  CHECK(bare.out == help.out);
}

TEST_CASE("cli: minima --version prints the project version") {
  const CliResult r = run_cli({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == std::string("minima ") + MINIMA_VERSION + "\n");
}

TEST_CASE("cli: every command's --help exits 0 and names each of its options") {
  REQUIRE(command_registry().names().size() >= 8);
  for (const std::string& name : command_registry().names()) {
    CAPTURE(name);
    const CliResult help = run_cli({name, "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.err.empty());
    CHECK(first_line(help.out) == command_registry().find(name)->summary);
    for (const std::string& option : declared_options(name)) {
      CAPTURE(option);
      CHECK(help.out.find(option) != std::string::npos);
    }
    const CliResult short_help = run_cli({name, "-h"});
    CHECK(short_help.out == help.out);
    const CliResult help_command = run_cli({"help", name});
    CHECK(help_command.exit_code == 0);
    CHECK(help_command.out == help.out);
  }
}

TEST_CASE("cli: every command refuses an unknown option and an unexpected argument with exit 2") {
  for (const std::string& name : command_registry().names()) {
    CAPTURE(name);
    const CliResult r = run_cli({name, "--no-such-option"});
    CHECK(r.exit_code == 2);
    CHECK(first_line(r.err) == "minima " + name + ": unknown option '--no-such-option'");
    CHECK(line_count(r.err) == 2);  // then the usage
    CHECK(r.err.find("Usage: minima " + name) != std::string::npos);
  }
  CHECK(run_cli({"layers", "extra"}).err.starts_with("minima layers: unexpected argument 'extra'"));
  CHECK(run_cli({"summary", "a.json", "b.json"}).exit_code == 2);
  CHECK(run_cli({"help", "frobnicate"}).err ==
        "minima: unknown command 'frobnicate' (see minima --help)\n");
  CHECK(run_cli({"--frobnicate"}).err ==
        "minima: unknown option '--frobnicate' (see minima --help)\n");
}

TEST_CASE("cli: --set KEY=VALUE and --set=KEY=VALUE work on every command that takes overrides") {
  TempDir dir("cli_options");
  write_text(dir.path("c.json"), kOneLayerConfig);
  write_text(dir.path("config.json"), kOneLayerConfig);  // dir as a run directory for eval
  write_text(dir.path("cmp.json"), R"({"configs": ["c.json"]})");
  // What each such command needs besides --set; a new one must be added here.
  const std::map<std::string, std::vector<std::string>> arguments = {
      {"compare", {dir.path("cmp.json"), "--out", dir.path("out")}},
      {"eval", {dir.path()}},
      {"summary", {dir.path("c.json")}},
      {"train", {dir.path("c.json"), "--quiet"}},
  };
  for (const std::string& name : command_registry().names()) {
    CAPTURE(name);
    if (!takes_overrides(name)) {
      CHECK(arguments.count(name) == 0);
      continue;
    }
    REQUIRE(arguments.count(name) == 1);
    // An unknown key shows that the override reached the config.
    std::vector<std::string> separate = {name}, joined = {name};
    for (std::vector<std::string>* args : {&separate, &joined})
      args->insert(args->end(), arguments.at(name).begin(), arguments.at(name).end());
    separate.insert(separate.end(), {"--set", "train.batchsize=8", "--set", "seed=3"});
    joined.insert(joined.end(), {"--set=seed=3", "--set=train.batchsize=8"});
    for (const std::vector<std::string>& args : {separate, joined}) {
      const CliResult r = run_cli(args);
      CAPTURE(r.err);
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("/train/batchsize: unknown key") != std::string::npos);
    }
  }
}

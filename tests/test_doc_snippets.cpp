// Every C++ snippet in README.md and docs/*.md compiles as shown (each block
// is a whole translation unit, with its includes) under the project's
// warning flags, and every JSON block is valid JSON; a block that is a run
// config ("model" and "optimizer") passes its validation too.
// The examples' READMEs are checked by test_example_readmes.cpp.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <minima/train/run_config.hpp>
#include "tests/build_paths.hpp"
#include "tests/markdown_blocks.hpp"
#include "tests/run_command.hpp"
#include "tests/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace minima::test;

namespace {

std::vector<fs::path> documents() {
  const fs::path root(minima::test::source_dir());
  std::vector<fs::path> files{root / "README.md"};
  for (const auto& entry : fs::directory_iterator(root / "docs"))
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  return files;
}

}  // namespace

TEST_CASE("README and docs: every cpp block compiles with -Wall -Wextra -Werror") {
  TempDir dir("snippets");
  int compiled = 0;
  for (const fs::path& doc : documents()) {
    const std::vector<std::string> blocks = code_blocks(read_text(doc), {"cpp"});
    for (size_t i = 0; i < blocks.size(); ++i) {
      const std::string file = dir.path("snippet_" + std::to_string(compiled) + ".cpp");
      std::ofstream(file) << blocks[i];
      const auto [status, output] = run_command(
          minima::test::compiler() + " -std=c++20 -Wall -Wextra -Werror -fsyntax-only -I" +
          minima::test::include_dir() + " " + file);
      INFO(doc.filename().string() << ", cpp block " << i + 1 << ":\n" << blocks[i] << output);
      CHECK(status == 0);
      ++compiled;
    }
  }
  CHECK(compiled >= 1);
}

TEST_CASE("README and docs: every json block parses, and run configs validate") {
  for (const fs::path& doc : documents()) {
    const std::vector<std::string> blocks = code_blocks(read_text(doc), {"json"});
    for (size_t i = 0; i < blocks.size(); ++i) {
      INFO(doc.filename().string() << ", json block " << i + 1 << ":\n" << blocks[i]);
      const minima::json config = minima::json::parse(blocks[i]);
      if (config.contains("model") && config.contains("optimizer"))
        CHECK_NOTHROW(minima::parse_run_config(config, doc.string()));
    }
  }
}

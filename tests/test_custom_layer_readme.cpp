// The custom-layer walkthrough must not drift from the code: every cpp,
// cmake and json block of examples/custom_layer/README.md appears verbatim
// in one of the example's files (which the install test builds and runs).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/build_paths.hpp"
#include "tests/markdown_blocks.hpp"

using minima::test::code_blocks;
using minima::test::read_text;

TEST_CASE("examples/custom_layer/README.md: every code block is the example's actual code") {
  const std::filesystem::path dir =
      std::filesystem::path(minima::test::source_dir()) / "examples" / "custom_layer";
  const std::string readme = read_text(dir / "README.md");
  REQUIRE(!readme.empty());
  std::vector<std::string> sources;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename() != "README.md") sources.push_back(read_text(entry.path()));

  const std::vector<std::string> blocks = code_blocks(readme, {"cpp", "cmake", "json"});
  CHECK(blocks.size() >= 8);
  for (const std::string& block : blocks) {
    bool found = false;
    for (const std::string& source : sources)
      found = found || source.find(block) != std::string::npos;
    INFO("README block not found verbatim in examples/custom_layer:\n" << block);
    CHECK(found);
  }
}

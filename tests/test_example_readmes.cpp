// The examples' walkthroughs must not drift from the code: every cpp, cmake
// and json block of examples/custom_layer/README.md and
// examples/custom_measurement/README.md appears verbatim in one of that
// example's files (which the install test builds and runs).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/build_paths.hpp"
#include "tests/markdown_blocks.hpp"

using minima::test::code_blocks;
using minima::test::read_text;

namespace {

// Checks examples/<example>/README.md's blocks against the example's other
// files; expects at least `least` blocks.
void check_readme_blocks(const std::string& example, size_t least) {
  const std::filesystem::path dir =
      std::filesystem::path(minima::test::source_dir()) / "examples" / example;
  const std::string readme = read_text(dir / "README.md");
  REQUIRE(!readme.empty());
  std::vector<std::string> sources;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename() != "README.md") sources.push_back(read_text(entry.path()));

  const std::vector<std::string> blocks = code_blocks(readme, {"cpp", "cmake", "json"});
  CHECK(blocks.size() >= least);
  for (const std::string& block : blocks) {
    bool found = false;
    for (const std::string& source : sources)
      found = found || source.find(block) != std::string::npos;
    INFO("README block not found verbatim in examples/" << example << ":\n" << block);
    CHECK(found);
  }
}

}  // namespace

TEST_CASE("examples/custom_layer/README.md: every code block is the example's actual code") {
  check_readme_blocks("custom_layer", 8);
}

TEST_CASE("examples/custom_measurement/README.md: every code block is the example's actual code") {
  check_readme_blocks("custom_measurement", 7);
}

// The custom-layer walkthrough must not drift from the code: every cpp,
// cmake and json block of examples/custom_layer/README.md appears verbatim
// in one of the example's files (which the install test builds and runs).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fenced blocks of `markdown` in one of `languages`, without the fences.
std::vector<std::string> code_blocks(const std::string& markdown,
                                     const std::vector<std::string>& languages) {
  std::vector<std::string> blocks;
  std::istringstream lines(markdown);
  std::string line, block;
  bool inside = false, wanted = false;
  while (std::getline(lines, line)) {
    if (line.rfind("```", 0) == 0) {
      if (inside && wanted) blocks.push_back(block);
      if (!inside) {
        const std::string language = line.substr(3);
        wanted = std::find(languages.begin(), languages.end(), language) != languages.end();
        block.clear();
      }
      inside = !inside;
      continue;
    }
    if (inside) block += line + "\n";
  }
  return blocks;
}

}  // namespace

TEST_CASE("examples/custom_layer/README.md: every code block is the example's actual code") {
  const std::filesystem::path dir =
      std::filesystem::path(MINIMA_SOURCE_DIR) / "examples" / "custom_layer";
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

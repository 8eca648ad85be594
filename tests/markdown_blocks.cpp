#include "tests/markdown_blocks.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace minima::test {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

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

}  // namespace minima::test

// The folders depend on each other in one direction only
// (docs/architecture.md): each library folder includes only itself and the
// folders before it, layers and models sit on the library, the report
// library on all of it, the lesson library (compare's measurements) on the
// report, and nothing outside cli/ includes the CLI's code.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/build_paths.hpp"
#include "tests/markdown_blocks.hpp"

namespace fs = std::filesystem;

namespace {

// Folder (relative to the source root) -> the <minima/X/...> folders it may include.
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> table = [] {
    const char* order[] = {"core", "platform", "config", "nn", "optim", "data", "io", "train"};
    std::map<std::string, std::set<std::string>> t;
    std::set<std::string> before;
    for (const char* folder : order) {
      before.insert(folder);
      t[std::string("framework/") + folder] = before;
    }
    t["layers"] = {"core", "platform", "config", "nn", "layers"};
    t["models"] = {"core", "platform", "config", "nn", "layers", "models"};
    t["framework/report"] = before;
    t["framework/report"].insert({"layers", "models", "report"});
    t["framework/lesson"] = t["framework/report"];
    t["framework/lesson"].insert("lesson");
    return t;
  }();
  return table;
}

}  // namespace

TEST_CASE("architecture: includes follow the folders' order") {
  const fs::path root(minima::test::source_dir());
  const std::regex library_include(R"(#include\s*<minima/([a-z_]+)/)");
  const std::regex cli_include(R"(#include\s*"cli/)");
  int files = 0;
  for (const auto& [folder, may_include] : allowed()) {
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".hpp" && ext != ".cpp") continue;
      ++files;
      std::istringstream lines(minima::test::read_text(entry.path()));
      std::string line;
      while (std::getline(lines, line)) {
        std::smatch m;
        INFO(fs::relative(entry.path(), root).string() << ": " << line);
        CHECK_FALSE(std::regex_search(line, cli_include));
        if (std::regex_search(line, m, library_include)) CHECK(may_include.count(m[1].str()) == 1);
      }
    }
  }
  CHECK(files > 100);
}

TEST_CASE(
    "test names: no semicolon, which CTest's test discovery splits into names that run nothing") {
  const fs::path root(minima::test::source_dir());
  const std::regex test_case(R"(TEST_CASE\(\s*"((?:[^"\\]|\\.)*)\")");
  int names = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root / "tests")) {
    if (entry.path().extension() != ".cpp") continue;
    const std::string text = minima::test::read_text(entry.path());
    for (std::sregex_iterator m(text.begin(), text.end(), test_case), end; m != end; ++m) {
      ++names;
      INFO(fs::relative(entry.path(), root).string() << ": " << (*m)[1].str());
      CHECK((*m)[1].str().find(';') == std::string::npos);
    }
  }
  CHECK(names > 400);
}

TEST_CASE("no file holds a merge's conflict markers") {
  const fs::path root(minima::test::source_dir());
  // A marker starts a line: "\n" then seven '<' or '>' and a space.
  const auto marker = [](char c) {
    std::string m(1, '\n');
    m.append(7, c);
    m.push_back(' ');
    return m;
  };
  const std::string ours = marker('<'), theirs = marker('>');
  int files = 0;
  for (const char* folder : {"framework", "layers", "models", "cli", "tests", "examples", "configs",
                             "scripts", "docs", ".ci"})
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      if (!entry.is_regular_file() || entry.file_size() > 1'000'000) continue;
      ++files;
      const std::string text = '\n' + minima::test::read_text(entry.path());
      INFO(fs::relative(entry.path(), root).string());
      CHECK(text.find(ours) == std::string::npos);
      CHECK(text.find(theirs) == std::string::npos);
    }
  const std::string readme = '\n' + minima::test::read_text(root / "README.md");
  CHECK(readme.find(ours) == std::string::npos);
  CHECK(readme.find(theirs) == std::string::npos);
  CHECK(files > 300);
}

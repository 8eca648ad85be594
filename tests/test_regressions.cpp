// Inputs that once crashed a fuzz target (or were otherwise mishandled),
// kept under tests/data/regressions/<target>/ and replayed through the same
// entry points as the fuzzers (fuzz/fuzz_inputs.hpp): each must now end in
// a clean load or minima's clear error, nothing else. To add one, copy the
// crash file from build-fuzz/crashes/<target>/ there (docs/reliability.md).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_inputs.hpp"
#include "tests/build_paths.hpp"

namespace fs = std::filesystem;

namespace {

// The files of tests/data/regressions/<target>/, sorted.
std::vector<fs::path> regression_inputs(const std::string& target) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(minima::test::test_data_dir()) / "regressions" / target;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <typename Input>
void replay(const std::string& target, Input input) {
  for (const fs::path& file : regression_inputs(target)) {
    CAPTURE(file.string());
    CHECK_NOTHROW(input(contents(file)));
  }
}

}  // namespace

TEST_CASE("regressions: kept fuzz inputs end in a clean load or a clear error") {
  replay("idx", minima::fuzz::idx_input);
  replay("config", minima::fuzz::config_input);
  replay("safetensors", minima::fuzz::safetensors_input);
  replay("image", minima::fuzz::image_input);
}

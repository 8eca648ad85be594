#include "tests/build_paths.hpp"

namespace minima::test {

std::string source_dir() { return MINIMA_SOURCE_DIR; }
std::string test_data_dir() { return MINIMA_TEST_DATA_DIR; }
std::string include_dir() { return MINIMA_INCLUDE_DIR; }
std::string compiler() { return MINIMA_CXX; }
std::string cli() { return MINIMA_CLI; }
std::string layernorm_plugin() { return MINIMA_LAYERNORM_PLUGIN; }
std::string mean_abs_plugin() { return MINIMA_MEAN_ABS_PLUGIN; }

}  // namespace minima::test

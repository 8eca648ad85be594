#pragma once
// Where this build's pieces are: the repository, the test data, the headers
// as installed, the compiler and the `minima` program. CMake passes them to
// build_paths.cpp alone, so that every other test source compiles to the
// same bytes in any clone and a compiler cache shared by clones hits.
#include <string>

namespace minima::test {

std::string source_dir();     // the repository's root
std::string test_data_dir();  // tests/data
std::string include_dir();    // holds minima/<folder>/*.hpp as installed
std::string compiler();       // the C++ compiler this build uses
std::string cli();            // the `minima` program of this build
// examples/custom_layer's LayerNorm built as a plugin for `minima --plugin`
std::string layernorm_plugin();
// examples/custom_measurement's "mean_abs_activation" built as a plugin
std::string mean_abs_plugin();

}  // namespace minima::test

#pragma once
// `minima --plugin FILE`: shared libraries loaded before the command runs.
// A plugin registers what it brings (layers, ...) from its static
// initializers, into the registries of libminima.so that the program uses.
#include <string>
#include <vector>

namespace minima::cli {

// Loads each file, in order, with dlopen(RTLD_NOW | RTLD_GLOBAL) and never
// unloads it. A name without '/' is a file in the working directory, not one
// the dynamic linker searches for. A file that does not load is a UsageError
// "--plugin FILE: <why>"; one whose initializers throw (a layer type
// registered twice) is reported the same way and ends minima with status 2.
void load_plugins(const std::vector<std::string>& files);

}  // namespace minima::cli

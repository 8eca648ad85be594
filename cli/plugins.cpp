#include "cli/plugins.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli/command.hpp"

namespace minima::cli {
namespace {

// The plugin being loaded, for the message of plugin_initializer_failed.
std::string plugin_loading;

// "--plugin FILE: <why>".
std::string plugin_failure(const std::string& file, const std::string& why) {
  return "--plugin " + file + ": " + why;
}

// An exception cannot leave a plugin's static initializers through dlopen
// (glibc calls std::terminate). While a plugin loads, std::terminate reports
// it as usage_failure in cli/app.cpp would and exits 2.
[[noreturn]] void plugin_initializer_failed() {
  std::string why = "its initialization failed";
  if (const std::exception_ptr thrown = std::current_exception()) {
    try {
      std::rethrow_exception(thrown);
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
    }
  }
  std::cerr << "minima: " << plugin_failure(plugin_loading, why) << " (see minima --help)\n";
  std::_Exit(2);
}

// dlerror()'s text without the path it starts with ("<path>: <why>").
std::string plugin_load_error(const std::string& path) {
  std::string why = dlerror();
  if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
  return why;
}

}  // namespace

void load_plugins(const std::vector<std::string>& files) {
  for (const std::string& file : files) {
    const std::string path = file.find('/') == std::string::npos ? "./" + file : file;
    plugin_loading = file;
    const std::terminate_handler previous = std::set_terminate(plugin_initializer_failed);
    const bool loaded = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) != nullptr;
    std::set_terminate(previous);
    if (!loaded) throw UsageError(plugin_failure(file, plugin_load_error(path)));
  }
}

}  // namespace minima::cli

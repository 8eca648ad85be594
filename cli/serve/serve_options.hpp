#pragma once
// `minima compare --serve [--port P] [--host NAME]`: the live page's options.
#include <string>

#include <CLI/CLI.hpp>

namespace minima::cli {

struct ServeArgs {
  bool serve = false;
  std::string host;  // "" = the loopback, 127.0.0.1
  int port = 8000;   // 0 = any free port (the terminal prints which)
};

// Declares --serve, --port and --host on `app`; the latter two need --serve.
void add_serve_options(CLI::App& app, ServeArgs& args);

}  // namespace minima::cli

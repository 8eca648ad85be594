// The minima command-line tool: dispatches to the registered commands.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>

#include <minima/core/threads.hpp>
#include "cli/command.hpp"

namespace {

void print_help() {
  auto cmds = minima::cli::commands();
  std::sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::cout
      << "minima - a minimal neural-network framework built around Batch Normalization\n\n"
         "usage: minima <command> [options]   (minima <command> --help for details)\n\ncommands:\n";
  for (const auto& c : cmds) std::printf("  %-9s %s\n", c.name.c_str(), c.summary.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace minima::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_help();
    return args.empty() ? 2 : 0;
  }
  const auto& cmds = commands();
  auto it =
      std::find_if(cmds.begin(), cmds.end(), [&](const Command& c) { return c.name == args[0]; });
  if (it == cmds.end()) {
    std::cerr << "minima: unknown command '" << args[0] << "' (see minima --help)\n";
    return 2;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (std::find(rest.begin(), rest.end(), "--help") != rest.end() ||
      std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
    std::cout << it->usage;
    return 0;
  }
  // eval, predict and the rest compute on every CPU too; train and bench
  // set their own count (train.threads, --threads).
  minima::set_threads(minima::default_threads());
  try {
    return it->run(rest);
  } catch (const UsageError& e) {
    std::cerr << "minima " << it->name << ": " << e.what() << "\n\n" << it->usage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "minima " << it->name << ": error: " << e.what() << "\n";
    return 1;
  }
}

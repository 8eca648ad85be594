// The minima command-line tool: one CLI11 subcommand per registered command
// (command_registry()), plus `minima help [COMMAND]`, `minima --version` and
// `minima --plugin FILE` (cli/plugins.hpp).
#include "cli/app.hpp"

#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <minima/platform/blas_kernel.hpp>
#include <minima/platform/processes.hpp>
#include <minima/platform/threads.hpp>
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/plugins.hpp"
#include "cli/usage_message.hpp"

namespace minima::cli {
namespace {

// A command-line mistake: one line naming it, then where to read the usage; exit status 2.
int usage_failure(const CLI::App& app, const std::string& message) {
  if (app.get_parent() == nullptr) {
    std::cerr << "minima: " << message << " (see minima --help)\n";
  } else {
    const std::string command = "minima " + app.get_name();
    std::string usage = CLI::Formatter().make_usage(&app, command);
    while (!usage.empty() && usage.back() == '\n') usage.pop_back();
    std::cerr << command << ": " << message << "\n"
              << usage << "   (" << command << " --help for details)\n";
  }
  return 2;
}

// The (sub)command that was being parsed: the one selected, else minima itself.
const CLI::App& parsed_command(const CLI::App& minima) {
  const auto selected = minima.get_subcommands();
  return selected.empty() ? minima : *selected.front();
}

// `minima help [COMMAND]`: the text `minima [COMMAND] --help` prints.
int print_help(const CLI::App& minima, const std::string& topic) {
  if (topic.empty()) {
    std::cout << minima.help();
    return 0;
  }
  if (!command_registry().contains(topic))
    return usage_failure(minima, "unknown command '" + topic + "'");
  std::cout << minima.get_subcommand(topic)->help(minima.get_name());
  return 0;
}

}  // namespace

int run_minima(int argc, char** argv) {
  // OpenBLAS's kernel for this CPU, or a better one (may re-execute minima once).
  minima::use_best_blas_kernel(argv);
  // One of the processes of `mpirun -np P minima ...`, or the only one.
  minima::start_processes(&argc, &argv);
  CLI::App minima("minima - a minimal neural-network framework built around Batch Normalization",
                  "minima");
  minima.set_version_flag("--version", "minima " MINIMA_VERSION, "print the version and exit");
  minima.require_subcommand(0, 1);
  minima.footer(
      "minima COMMAND --help (or minima help COMMAND) describes a command's options.\n"
      "minima --plugin FILE COMMAND ... loads FILE, a shared library of layers built out\n"
      "of tree, before the command runs (examples/custom_layer/README.md).");
  // A single-valued option given twice keeps its last value.
  minima.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  std::vector<std::string> plugins;
  add_repeatable_option(minima, "--plugin", plugins,
                        "load a shared library of layers built out of tree first; repeatable")
      ->type_name("FILE");

  std::map<const CLI::App*, CommandRun> runs;
  for (const std::string& name : command_registry().names()) {
    const CommandEntry& entry = *command_registry().find(name);
    CLI::App* command = minima.add_subcommand(name, entry.summary);
    runs[command] = entry.declare(*command);
  }
  std::string help_topic;
  CLI::App* help = minima.add_subcommand("help", "describe minima or one of its commands");
  help->add_option("COMMAND", help_topic, "the command to describe");

  if (argc == 1) {
    std::cout << minima.help();
    return 2;
  }
  try {
    minima.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return minima.exit(e);  // --help, --version
    const CLI::App& failed = parsed_command(minima);
    return usage_failure(failed, usage_message(e, failed));
  }
  try {
    load_plugins(plugins);
  } catch (const UsageError& e) {
    return usage_failure(minima, e.what());
  }
  if (help->parsed()) return print_help(minima, help_topic);
  const CLI::App& command = parsed_command(minima);
  if (&command == &minima) return usage_failure(minima, "expected a command");

  // eval, predict and the rest compute on every CPU too; train and bench
  // set their own count (train.threads, --threads).
  minima::set_threads(minima::default_threads());
  try {
    return runs.at(&command)();
  } catch (const UsageError& e) {
    return usage_failure(command, e.what());
  } catch (const std::exception& e) {
    const int processes = minima::process_count();
    // One write per message, so the lines of several processes never interleave.
    std::cerr << "minima " + command.get_name() +
                     (processes > 1 ? " (process " + std::to_string(minima::process_rank()) +
                                          " of " + std::to_string(processes) + ")"
                                    : "") +
                     ": error: " + e.what() + "\n";
    if (processes > 1) minima::abort_processes(1);  // the others would wait for it for ever
    return 1;
  }
}

}  // namespace minima::cli

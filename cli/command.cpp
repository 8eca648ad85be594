#include "cli/command.hpp"

namespace minima::cli {

Registry<CommandEntry>& command_registry() {
  static Registry<CommandEntry> registry("command");
  return registry;
}

}  // namespace minima::cli

#pragma once
// The `minima` program: parses the command line and runs the command it names.

namespace minima::cli {

// The program's exit status: 0, 1 for a failed command, 2 for a command-line mistake.
int run_minima(int argc, char** argv);

}  // namespace minima::cli

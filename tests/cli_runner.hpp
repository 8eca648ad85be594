#pragma once
// Runs the real `minima` binary (test::cli()) in a child process, as a user
// would, and captures what it printed and how it ended. Used by the tests
// that hold the CLI to its contract: one clear message on stderr and a
// non-zero exit for every bad input, never a crash or a hang.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace minima::test {

struct CliResult {
  int exit_code = -1;  // when it exited, else -1
  int signal = 0;      // the signal that ended it, else 0
  bool timed_out = false;
  std::string out, err;
};

struct CliOptions {
  std::vector<std::pair<std::string, std::string>> env;  // set in the child on top of ours
  std::string cwd;                                       // "" = the test's working directory
  std::chrono::milliseconds timeout{60000};              // killed (SIGKILL) after this
  // A program that starts minima, with its arguments: {"/usr/bin/mpirun", "-np", "2"}
  // runs `mpirun -np 2 minima ARGS...`. The program is an absolute path.
  std::vector<std::string> launcher;
};

// `minima ARGS...`; waits for it to end.
CliResult run_cli(const std::vector<std::string>& args, const CliOptions& options = {});

// A child started with start_cli, for tests that kill it on purpose.
class CliProcess {
 public:
  CliProcess(const std::vector<std::string>& args, const CliOptions& options = {});
  ~CliProcess();  // kills and reaps the child if still running
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` (e.g. SIGKILL) to the child.
  void kill(int signal);
  // Reads its output until it ends (or the timeout passes, then SIGKILL).
  CliResult wait();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::chrono::milliseconds timeout_;
  bool reaped_ = false;
};

// The first line of `text` (without the newline).
std::string first_line(const std::string& text);
// Number of lines in `text` (a last line without '\n' counts).
int line_count(const std::string& text);

}  // namespace minima::test

#pragma once
// Running the minima CLI (or any shell command) from a test.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <utility>

#include <sys/wait.h>

namespace minima::test {

// Runs a shell command; returns its exit status and its stdout + stderr.
inline std::pair<int, std::string> run_command(const std::string& command) {
  std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe);
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace minima::test

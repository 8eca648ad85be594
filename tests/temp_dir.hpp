#pragma once
// A fresh, empty directory for one test, removed with its contents when the
// test ends. Its name holds the process id and a counter, so parallel ctest
// runs of different tests, and two directories of one test, never share it.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace minima::test {

class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : dir_(std::filesystem::temp_directory_path() /
             ("minima_" + tag + "_" + std::to_string(::getpid()) + "_" +
              std::to_string(counter()++))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string path() const { return dir_.string(); }
  std::string path(const std::string& file) const { return (dir_ / file).string(); }
  // Names of the files in the directory, sorted.
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  static std::atomic<int>& counter() {
    static std::atomic<int> count{0};
    return count;
  }
  std::filesystem::path dir_;
};

// Writes `text` to the file at `path`, replacing it.
inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace minima::test

#pragma once
// Tiny IDX files for the data tests: bytes built in memory, written raw or
// gzip-compressed into a TempDir (temp_dir.hpp).
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/temp_dir.hpp"

namespace minima::test {

using Bytes = std::vector<uint8_t>;

Bytes idx_images(uint32_t count, uint32_t rows, uint32_t cols, const Bytes& pixels);
Bytes idx_labels(const Bytes& labels);
Bytes big_endian(std::initializer_list<uint32_t> words);

void write_raw(const std::string& path, const Bytes& bytes);
void write_gzip(const std::string& path, const Bytes& bytes);
Bytes read_all(const std::string& path);

// The message of the exception that `action` throws ("" if none).
template <typename Action>
std::string error_of(Action action) {
  try {
    action();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace minima::test

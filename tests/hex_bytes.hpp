#pragma once
// Bytes as lowercase hex ("08 96 01" -> "089601"), for the tests that hold
// a writer to known byte strings (protobuf, ONNX, TensorBoard records).
#include <string>
#include <string_view>

namespace minima::test {

inline std::string hex_bytes(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) hex += std::string{digits[c >> 4], digits[c & 15]};
  return hex;
}

}  // namespace minima::test

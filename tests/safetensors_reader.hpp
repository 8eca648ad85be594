#pragma once
// A minimal safetensors reader written from the format description alone
// (independent of framework/io/safetensors.cpp), for checking what minima
// writes: 8-byte little-endian header length N, N bytes of JSON header
// (space-padded), then the tensors' little-endian bytes at data_offsets.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace minima::test {

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct ParsedFile {
  uint64_t header_length = 0;
  std::string header_text;
  nlohmann::ordered_json header;
  std::string body;
};

inline ParsedFile parse_independently(const std::string& bytes) {
  ParsedFile f;
  REQUIRE(bytes.size() >= 8);
  for (int i = 0; i < 8; ++i) f.header_length |= uint64_t(uint8_t(bytes[i])) << (8 * i);
  REQUIRE(8 + f.header_length <= bytes.size());
  f.header_text = bytes.substr(8, f.header_length);
  f.header = nlohmann::ordered_json::parse(f.header_text);
  f.body = bytes.substr(8 + f.header_length);
  return f;
}

// The inverse: a file from a (possibly tampered) header and a body.
inline std::string assemble(const nlohmann::ordered_json& header, const std::string& body) {
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes += char((uint64_t(text.size()) >> (8 * i)) & 0xff);
  return bytes + text + body;
}

inline float f32_at(const std::string& body, uint64_t offset) {
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) bits |= uint32_t(uint8_t(body[offset + i])) << (8 * i);
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

inline int64_t i64_at(const std::string& body, uint64_t offset) {
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= uint64_t(uint8_t(body[offset + i])) << (8 * i);
  return int64_t(bits);
}

}  // namespace minima::test

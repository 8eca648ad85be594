#pragma once
// The protocol buffers wire format, writing side only: enough to write the
// few messages of ONNX (onnx_file.hpp) and TensorBoard (event_file.hpp)
// without libprotobuf (https://protobuf.dev/programming-guides/encoding/).
//
// A message is a sequence of fields, each a tag then a value:
//   tag     = varint(field_number << 3 | wire_type)
//   varint  = 7 bits a byte, least significant group first, the high bit
//             set on every byte but the last (wire type 0: int32, int64,
//             bool, enum; a negative int64 is its two's complement, 10 bytes)
//   fixed64 = 8 bytes little-endian (wire type 1: double)
//   fixed32 = 4 bytes little-endian (wire type 5: float)
//   length-delimited = varint(byte count) then the bytes (wire type 2:
//             string, bytes, an embedded message, a packed repeated field)
// A repeated field is its field written once per element, or (packed) one
// length-delimited field holding the elements' values back to back.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace minima {

// Appends varint(value) to `out`.
void append_varint(std::string& out, uint64_t value);

class ProtobufWriter {
 public:
  void varint_field(int field, uint64_t value);
  void int64_field(int field, int64_t value) { varint_field(field, uint64_t(value)); }
  void double_field(int field, double value);
  void float_field(int field, float value);
  void bytes_field(int field, std::string_view bytes);
  void message_field(int field, const ProtobufWriter& message) {
    bytes_field(field, message.bytes());
  }
  void packed_doubles(int field, std::span<const double> values);

  const std::string& bytes() const { return bytes_; }

 private:
  void tag(int field, int wire_type);

  std::string bytes_;
};

}  // namespace minima

#include <minima/io/protobuf_writer.hpp>

#include <bit>

namespace minima {
namespace {

enum ProtobufWireType {
  kWireVarint = 0,
  kWireFixed64 = 1,
  kWireLengthDelimited = 2,
  kWireFixed32 = 5
};

// `bytes` little-endian bytes of `bits`.
void append_protobuf_little_endian(std::string& out, uint64_t bits, int bytes) {
  for (int k = 0; k < bytes; ++k) out.push_back(char((bits >> (8 * k)) & 0xff));
}

}  // namespace

void append_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(char((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(char(value));
}

void ProtobufWriter::tag(int field, int wire_type) {
  append_varint(bytes_, (uint64_t(field) << 3) | uint64_t(wire_type));
}

void ProtobufWriter::varint_field(int field, uint64_t value) {
  tag(field, kWireVarint);
  append_varint(bytes_, value);
}

void ProtobufWriter::double_field(int field, double value) {
  tag(field, kWireFixed64);
  append_protobuf_little_endian(bytes_, std::bit_cast<uint64_t>(value), 8);
}

void ProtobufWriter::float_field(int field, float value) {
  tag(field, kWireFixed32);
  append_protobuf_little_endian(bytes_, std::bit_cast<uint32_t>(value), 4);
}

void ProtobufWriter::bytes_field(int field, std::string_view bytes) {
  tag(field, kWireLengthDelimited);
  append_varint(bytes_, bytes.size());
  bytes_.append(bytes);
}

void ProtobufWriter::packed_doubles(int field, std::span<const double> values) {
  tag(field, kWireLengthDelimited);
  append_varint(bytes_, 8 * values.size());
  for (double v : values) append_protobuf_little_endian(bytes_, std::bit_cast<uint64_t>(v), 8);
}

}  // namespace minima

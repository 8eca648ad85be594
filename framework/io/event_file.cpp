#include <minima/io/event_file.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <minima/io/protobuf_writer.hpp>

namespace minima {
namespace {
// The messages' field numbers, in a namespace of their own so that their
// short names (event, summary) meet no other file's.
namespace tensorboard_proto {

// Field numbers of event.proto and summary.proto (above).
namespace event {
constexpr int kWallTime = 1, kStep = 2, kFileVersion = 3, kSummary = 5;
}
namespace summary {
constexpr int kValue = 1;                              // Summary
constexpr int kTag = 1, kSimpleValue = 2, kHisto = 5;  // Summary.Value
}  // namespace summary
namespace histo {
constexpr int kMin = 1, kMax = 2, kNum = 3, kSum = 4, kSumSquares = 5, kBucketLimit = 6,
              kBucket = 7;
}
}  // namespace tensorboard_proto

// The table of the byte-wise CRC-32C: entry b is the CRC of byte b alone.
std::array<uint32_t, 256> crc32c_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78u : 0);
    table[b] = crc;
  }
  return table;
}

double event_wall_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

ProtobufWriter histogram_proto(const Histogram& h) {
  ProtobufWriter out;
  out.double_field(tensorboard_proto::histo::kMin, h.min);
  out.double_field(tensorboard_proto::histo::kMax, h.max);
  out.double_field(tensorboard_proto::histo::kNum, h.num);
  out.double_field(tensorboard_proto::histo::kSum, h.sum);
  out.double_field(tensorboard_proto::histo::kSumSquares, h.sum_squares);
  out.packed_doubles(tensorboard_proto::histo::kBucketLimit, h.bucket_limit);
  out.packed_doubles(tensorboard_proto::histo::kBucket, h.bucket);
  return out;
}

ProtobufWriter summary_value_proto(const SummaryValue& v) {
  ProtobufWriter out;
  out.bytes_field(tensorboard_proto::summary::kTag, v.tag);
  if (const float* scalar = std::get_if<float>(&v.value))
    out.float_field(tensorboard_proto::summary::kSimpleValue, *scalar);
  else
    out.message_field(tensorboard_proto::summary::kHisto,
                      histogram_proto(std::get<Histogram>(v.value)));
  return out;
}

}  // namespace

uint32_t crc32c(std::string_view bytes) {
  static const std::array<uint32_t, 256> table = crc32c_table();
  uint32_t crc = 0xffffffffu;
  for (unsigned char c : bytes) crc = table[(crc ^ c) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

uint32_t masked_crc32c(std::string_view bytes) {
  const uint32_t crc = crc32c(bytes);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::string event_record(std::string_view data) {
  std::string length, out;
  for (int k = 0; k < 8; ++k) length.push_back(char((uint64_t(data.size()) >> (8 * k)) & 0xff));
  auto append_u32 = [&out](uint32_t v) {
    for (int k = 0; k < 4; ++k) out.push_back(char((v >> (8 * k)) & 0xff));
  };
  out = length;
  append_u32(masked_crc32c(length));
  out.append(data);
  append_u32(masked_crc32c(data));
  return out;
}

Histogram make_histogram(std::span<const float> values, int buckets) {
  Histogram h;
  if (values.empty()) return h;
  h.min = *std::min_element(values.begin(), values.end());
  h.max = *std::max_element(values.begin(), values.end());
  h.num = double(values.size());
  for (float v : values) {
    h.sum += v;
    h.sum_squares += double(v) * v;
  }
  if (h.max == h.min) buckets = 1;
  // bucket k holds (lo + k w, lo + (k + 1) w], the first also the minimum: index
  // ceil((v - min) / w) - 1, clamped to [0, buckets - 1]
  const double width = (h.max - h.min) / buckets;
  h.bucket.assign(size_t(buckets), 0.0);
  for (int k = 0; k < buckets; ++k)
    h.bucket_limit.push_back(k + 1 == buckets ? h.max : h.min + (k + 1) * width);
  for (float v : values) {
    const int k = width > 0 ? int(std::ceil((v - h.min) / width)) - 1 : 0;
    h.bucket[size_t(std::clamp(k, 0, buckets - 1))] += 1;
  }
  return h;
}

EventFile::EventFile(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw std::runtime_error(dir + ": cannot create the directory: " + error.message());
  char host[256] = "localhost";
  gethostname(host, sizeof(host) - 1);
  path_ = (std::filesystem::path(dir) /
           ("events.out.tfevents." + std::to_string(int64_t(event_wall_time())) + "." + host))
              .string();
  file_.reset(std::fopen(path_.c_str(), "wb"));
  if (!file_)
    throw std::runtime_error(path_ + ": cannot open for writing: " + std::strerror(errno));
  ProtobufWriter first;
  first.double_field(tensorboard_proto::event::kWallTime, event_wall_time());
  first.bytes_field(tensorboard_proto::event::kFileVersion, "brain.Event:2");
  append(first.bytes());
  flush();
}

void EventFile::write(int64_t step, const std::vector<SummaryValue>& values) {
  ProtobufWriter summary_proto, event_proto;
  for (const SummaryValue& v : values)
    summary_proto.message_field(tensorboard_proto::summary::kValue, summary_value_proto(v));
  event_proto.double_field(tensorboard_proto::event::kWallTime, event_wall_time());
  event_proto.int64_field(tensorboard_proto::event::kStep, step);
  event_proto.message_field(tensorboard_proto::event::kSummary, summary_proto);
  append(event_proto.bytes());
}

void EventFile::append(const std::string& event) {
  const std::string record = event_record(event);
  if (std::fwrite(record.data(), 1, record.size(), file_.get()) != record.size())
    throw std::runtime_error(path_ + ": cannot write: " + std::strerror(errno));
}

void EventFile::flush() {
  if (std::fflush(file_.get()) != 0)
    throw std::runtime_error(path_ + ": cannot write: " + std::strerror(errno));
}

}  // namespace minima

#pragma once
// TensorBoard event files: what TensorBoard reads for scalars and
// histograms, written without TensorFlow. A file is a sequence of records
// (TFRecord framing, little-endian):
//   uint64 length, uint32 masked_crc32c(length bytes), data, uint32 masked_crc32c(data)
// with masked_crc32c(b) = rotate_right(crc32c(b), 15) + 0xa282ead8 (mod 2^32),
// crc32c the CRC-32C (Castagnoli) of the bytes. Each record's data is one
// serialized Event (tensorboard/compat/proto/event.proto, summary.proto):
//   Event     { double wall_time = 1; int64 step = 2; string file_version = 3;
//               Summary summary = 5; }
//   Summary   { repeated Value value = 1; }
//   Value     { string tag = 1; float simple_value = 2; HistogramProto histo = 5; }
//   HistogramProto { double min = 1, max = 2, num = 3, sum = 4, sum_squares = 5;
//                    repeated double bucket_limit = 6 [packed], bucket = 7 [packed]; }
// The first record is the Event with file_version "brain.Event:2".
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace minima {

// CRC-32C (Castagnoli, reflected polynomial 0x82f63b78): crc32c("123456789") = 0xe3069283.
uint32_t crc32c(std::string_view bytes);
// The record framing's masked CRC (above).
uint32_t masked_crc32c(std::string_view bytes);
// One record: length, its masked CRC, the data, its masked CRC.
std::string event_record(std::string_view data);

// A histogram of values: bucket k counts the values in (bucket_limit[k-1],
// bucket_limit[k]] (the first from -infinity), as TensorBoard reads it.
struct Histogram {
  double min = 0, max = 0, num = 0, sum = 0, sum_squares = 0;
  std::vector<double> bucket_limit, bucket;
};
// `buckets` equal-width buckets over [min, max] of `values` (one bucket if all are equal).
Histogram make_histogram(std::span<const float> values, int buckets = 30);

struct SummaryValue {
  std::string tag;                       // "eval/accuracy"
  std::variant<float, Histogram> value;  // a scalar or a histogram
};

class EventFile {
 public:
  // Creates DIR (and its parents) and DIR/events.out.tfevents.<seconds>.<host>,
  // and writes the file_version event. Throws std::runtime_error naming the
  // file if it cannot.
  explicit EventFile(const std::string& dir);

  // Appends one Event at `step` holding `values`, stamped with the current time.
  void write(int64_t step, const std::vector<SummaryValue>& values);
  // Hands what was written to the operating system (a viewer sees it, a
  // killed run keeps it).
  void flush();
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  void append(const std::string& event);

  std::string path_;
  std::unique_ptr<std::FILE, Closer> file_;
};

}  // namespace minima

// TensorBoard event files: CRC-32C and the record framing on known vectors
// (crcmod's crc-32c gives the same), histograms, a file's records read back,
// and a logged run that trains exactly as an unlogged one.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <minima/core/atomic_file.hpp>
#include <minima/io/event_file.hpp>
#include <minima/train/tensorboard_log.hpp>
#include "tests/hex_bytes.hpp"
#include "tests/temp_dir.hpp"
#include "tests/train_fixture.hpp"

namespace minima {
namespace {

uint64_t event_test_le(const std::string& bytes, size_t at, int count) {
  uint64_t v = 0;
  for (int k = count - 1; k >= 0; --k) v = (v << 8) | uint8_t(bytes[at + size_t(k)]);
  return v;
}

// The records' data, each record's two CRCs checked.
std::vector<std::string> event_test_records(const std::string& file) {
  std::vector<std::string> records;
  for (size_t at = 0; at < file.size();) {
    REQUIRE(at + 12 <= file.size());
    const uint64_t length = event_test_le(file, at, 8);
    CHECK(event_test_le(file, at + 8, 4) == masked_crc32c(file.substr(at, 8)));
    REQUIRE(at + 16 + length <= file.size());
    records.push_back(file.substr(at + 12, length));
    CHECK(event_test_le(file, at + 12 + length, 4) == masked_crc32c(records.back()));
    at += 16 + length;
  }
  return records;
}

std::string only_event_file(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    files.push_back(entry.path().string());
  REQUIRE(files.size() == 1);
  CHECK(std::filesystem::path(files[0]).filename().string().rfind("events.out.tfevents.", 0) == 0);
  return files[0];
}

}  // namespace

TEST_CASE("event file: CRC-32C, its mask and the record framing on known vectors") {
  CHECK(crc32c("123456789") == 0xE3069283u);
  CHECK(crc32c("") == 0u);
  CHECK(masked_crc32c("123456789") == 0xC78AB0E5u);
  // length 3, masked CRC of the length, "abc", masked CRC of "abc"
  CHECK(test::hex_bytes(event_record("abc")) == "0300000000000000b099490e6162636e57f121");
}

TEST_CASE(
    "event file: a histogram bucket holds the values above the previous limit up to its own") {
  const std::vector<float> values = {0, 1, 2, 3};
  const Histogram h = make_histogram(values, 3);
  CHECK(h.min == 0);
  CHECK(h.max == 3);
  CHECK(h.num == 4);
  CHECK(h.sum == 6);
  CHECK(h.sum_squares == 14);
  CHECK(h.bucket_limit == std::vector<double>{1, 2, 3});
  CHECK(h.bucket == std::vector<double>{2, 1, 1});
  const std::vector<float> same = {5, 5};
  CHECK(make_histogram(same).bucket == std::vector<double>{2});
}

TEST_CASE("event file: file_version first, then one record per write, whole after flush") {
  test::TempDir tmp("event_file");
  EventFile file(tmp.path("run/seed-1"));
  const std::vector<float> values = {0.5f, -1.5f};
  file.write(10, {{"eval/accuracy", 0.25f}, {"hidden/x", make_histogram(values)}});
  file.flush();
  const std::vector<std::string> records =
      event_test_records(read_file(only_event_file(tmp.path("run/seed-1"))));
  REQUIRE(records.size() == 2);
  CHECK(records[0].find("brain.Event:2") != std::string::npos);
  CHECK(records[1].find("eval/accuracy") != std::string::npos);
  CHECK(records[1].find("hidden/x") != std::string::npos);
  CHECK(records[1].find(std::string("\x10\x0a", 2)) != std::string::npos);  // step = 10
}

TEST_CASE("tensorboard log: one event per evaluation, and the run trains as without it") {
  test::TempDir tmp("tensorboard_log");
  const json config = test::run_unwatched(tmp, "logged");
  std::unique_ptr<TensorBoardLog> log;
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  int points = 0;
  options.on_eval = [&](const EvalPoint& p, Trainer& t) {
    if (!log)
      log = std::make_unique<TensorBoardLog>(TensorBoardLog::run_dir(tmp.path("tb"), "logged", 7),
                                             t.model(),
                                             first_samples(t.eval_data(), t.normalization(), 32).x);
    log->write(p, t.model());
    ++points;
  };
  Trainer logged(parse_run_config(config, "blob"), options);
  logged.run();
  const std::vector<std::string> records =
      event_test_records(read_file(only_event_file(tmp.path("tb/logged/seed-7"))));
  REQUIRE(records.size() == size_t(1 + points));
  for (const char* tag : {"train/loss", "eval/accuracy", "learning_rate", "hidden/sigmoid1_input",
                          "hidden/sigmoid2_input"})
    CHECK(records.back().find(tag) != std::string::npos);
  CHECK(test::metrics_without_seconds(tmp.path("plain/metrics.csv")) ==
        test::metrics_without_seconds(tmp.path("logged/metrics.csv")));
  CHECK(read_file(tmp.path("plain/model.safetensors")) ==
        read_file(tmp.path("logged/model.safetensors")));
}

}  // namespace minima

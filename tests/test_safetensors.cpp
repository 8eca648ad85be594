#include <doctest/doctest.h>

#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include <minima/core/atomic_file.hpp>
#include <minima/io/safetensors.hpp>
#include "tests/temp_dir.hpp"

using namespace minima;

namespace {

// A safetensors file from its parts: the length prefix is header.size()
// unless `declared_length` says otherwise.
std::string make_file(const std::string& header, const std::string& body,
                      std::optional<uint64_t> declared_length = std::nullopt) {
  const uint64_t length = declared_length.value_or(header.size());
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i) file[i] = char((length >> (8 * i)) & 0xff);
  return file + header + body;
}

std::string decode_error(const std::string& bytes) {
  try {
    decode_safetensors(bytes, "f.safetensors");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::string floats(std::initializer_list<float> values) {
  std::string bytes;
  for (float v : values) bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
  return bytes;
}

const std::string kTwoFloats = floats({1.0f, -2.0f});
const std::string kTensorA = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";

}  // namespace

TEST_CASE("encode_safetensors writes the exact bytes of the reference format") {
  const std::vector<TensorEntry> tensors = {
      {"a", "F32", {2}, kTwoFloats},
      {"n", "I64", {}, std::string("\xfd\xff\xff\xff\xff\xff\xff\xff", 8)},  // int64 -3
  };
  const std::string header =
      R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("n":{"dtype":"I64","shape":[],"data_offsets":[8,16]}})";
  REQUIRE(header.size() == 138);
  const std::string expected = std::string("\x90\0\0\0\0\0\0\0", 8) + header +
                               std::string(6, ' ') +  // 144 = 18 * 8
                               std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8) + tensors[1].data;
  CHECK(encode_safetensors(tensors, {{"format", "pt"}}) == expected);
}

TEST_CASE(
    "encode then decode returns the tensors in order, with metadata, scalars and empty tensors") {
  const std::vector<TensorEntry> tensors = {
      {"z.weight", "F32", {2, 1}, kTwoFloats},
      {"empty", "F32", {0, 3}, ""},
      {"a.count", "I64", {}, std::string(8, '\x07')},
  };
  const std::string bytes = encode_safetensors(tensors, {{"format", "pt"}, {"epoch", "3"}});
  const SafetensorsContents contents = decode_safetensors(bytes, "f");
  REQUIRE(contents.tensors.size() == 3);
  for (size_t i = 0; i < tensors.size(); ++i) {
    CAPTURE(i);
    CHECK(contents.tensors[i].name == tensors[i].name);
    CHECK(contents.tensors[i].dtype == tensors[i].dtype);
    CHECK(contents.tensors[i].shape == tensors[i].shape);
    CHECK(contents.tensors[i].data == tensors[i].data);
  }
  CHECK(contents.metadata == std::map<std::string, std::string>{{"format", "pt"}, {"epoch", "3"}});
  CHECK(contents.find("empty") == &contents.tensors[1]);
  CHECK(contents.find("nope") == nullptr);
}

TEST_CASE("decode orders tensors by offset, whatever the header's key order") {
  const std::string header = R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
                             R"("a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  const SafetensorsContents contents = decode_safetensors(make_file(header, kTwoFloats), "f");
  REQUIRE(contents.tensors.size() == 2);
  CHECK(contents.tensors[0].name == "a");
  CHECK(contents.tensors[0].data == floats({1.0f}));
  CHECK(contents.tensors[1].name == "b");
  CHECK(contents.tensors[1].data == floats({-2.0f}));
  CHECK(contents.metadata.empty());

  const std::string with_empty = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                 R"("e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}})";
  const SafetensorsContents empty_first =
      decode_safetensors(make_file(with_empty, kTwoFloats), "f");
  REQUIRE(empty_first.tensors.size() == 2);
  CHECK(empty_first.tensors[0].name == "e");
  CHECK(empty_first.tensors[1].name == "a");
}

TEST_CASE("decode refuses malformed files with one message naming the file and the problem") {
  const std::string ok_header = "{" + kTensorA + "}";
  REQUIRE(decode_error(make_file(ok_header, kTwoFloats)).empty());

  CHECK(decode_error("abc") ==
        "f.safetensors: file of 3 bytes is too short for the 8-byte header length");
  CHECK(decode_error(make_file(ok_header, kTwoFloats, 1000)) ==
        "f.safetensors: header length 1000 exceeds the 62 bytes after the length prefix (truncated "
        "file?)");
  CHECK(decode_error(make_file(ok_header, kTwoFloats, ~uint64_t(1))) ==
        "f.safetensors: header of 18446744073709551614 bytes exceeds the limit of 100000000");
  CHECK(decode_error(make_file("[1, 2]", "")) ==
        "f.safetensors: header does not start with '{' (not a safetensors file?)");
  CHECK(decode_error(make_file("{\"a\": ", ""))
            .find("f.safetensors: header is not valid JSON: parse error") == 0);
  CHECK(decode_error(make_file("{" + kTensorA + "," + kTensorA + "}", kTwoFloats)) ==
        "f.safetensors: header names 'a' twice");
  CHECK(decode_error(
            make_file(R"({"a":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}})", kTwoFloats)) ==
        "f.safetensors: tensor 'a' has dtype BF16; minima reads only F32 and I64");
  CHECK(decode_error(
            make_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", kTwoFloats)) ==
        "f.safetensors: tensor 'a' has shape [-2], expected a list of non-negative integers");
  CHECK(decode_error(
            make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", kTwoFloats)) ==
        "f.safetensors: tensor 'a' has data_offsets [0], expected [begin, end]");
  CHECK(decode_error(make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}})",
                               kTwoFloats))
            .find("f.safetensors: tensor 'a' is {") == 0);
  CHECK(decode_error(
            make_file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", kTwoFloats)) ==
        "f.safetensors: tensor 'a' has shape [3] (12 bytes as F32) but data_offsets [0,8]");
  CHECK(decode_error(make_file(
            R"({"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}})",
            kTwoFloats)) ==
        "f.safetensors: tensor 'a' has shape [4611686018427387904, 4], too large to address");
  CHECK(decode_error(make_file(R"({"__metadata__":{"epoch":3},)" + kTensorA + "}", kTwoFloats)) ==
        "f.safetensors: __metadata__ 'epoch' is 3, not a string");
}

TEST_CASE("decode refuses overlapping, non-contiguous, truncated and over-long data") {
  const std::string b_at = R"("b":{"dtype":"F32","shape":[1],"data_offsets":)";
  CHECK(decode_error(
            make_file("{" + kTensorA + "," + b_at + "[4,8]}}", kTwoFloats + floats({3.0f}))) ==
        "f.safetensors: tensor 'b' starts at data byte 4 but tensor 'a' ends at 8 "
        "(tensors must be contiguous, without overlaps or holes)");
  CHECK(decode_error(make_file("{" + kTensorA + "," + b_at + "[12,16]}}",
                               kTwoFloats + floats({3.0f, 4.0f}))) ==
        "f.safetensors: tensor 'b' starts at data byte 12 but tensor 'a' ends at 8 "
        "(tensors must be contiguous, without overlaps or holes)");
  CHECK(decode_error(make_file("{" + b_at + "[4,8]}}", kTwoFloats)) ==
        "f.safetensors: tensor 'b' starts at data byte 4 but the data starts at 0 "
        "(tensors must be contiguous, without overlaps or holes)");
  CHECK(decode_error(make_file("{" + kTensorA + "}", kTwoFloats.substr(0, 5))) ==
        "f.safetensors: tensor 'a' ends at data byte 8 but the file holds only 5 data bytes "
        "(truncated file?)");
  CHECK(decode_error(make_file("{" + kTensorA + "}", kTwoFloats + "xyz")) ==
        "f.safetensors: 3 bytes follow the last tensor's data");
}

TEST_CASE("encode refuses entries that are not self-consistent") {
  CHECK_THROWS_WITH_AS(encode_safetensors({{"a", "F32", {3}, kTwoFloats}}),
                       "safetensors: tensor 'a' holds 8 bytes but its shape [3] as F32 needs 12",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(encode_safetensors({{"a", "F16", {4}, kTwoFloats}}),
                       "safetensors: tensor 'a' has dtype 'F16', expected F32 or I64",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(
      encode_safetensors({{"a", "F32", {2}, kTwoFloats}, {"a", "F32", {2}, kTwoFloats}}),
      "safetensors: tensor 'a' is a duplicate or reserved name", std::invalid_argument);
  CHECK_THROWS_WITH_AS(encode_safetensors({{"__metadata__", "F32", {2}, kTwoFloats}}),
                       "safetensors: tensor '__metadata__' is a duplicate or reserved name",
                       std::invalid_argument);
}

TEST_CASE(
    "save_safetensors and load_safetensors go through files and load honours the size limit") {
  minima::test::TempDir dir("safetensors_files");
  const std::string path = dir.path("t.safetensors");
  save_safetensors(path, {{"a", "F32", {2}, kTwoFloats}}, {{"k", "v"}});
  const SafetensorsContents contents = load_safetensors(path);
  REQUIRE(contents.tensors.size() == 1);
  CHECK(contents.tensors[0].data == kTwoFloats);
  CHECK(contents.metadata.at("k") == "v");
  CHECK_THROWS_WITH_AS(load_safetensors(path, 16),
                       (path + ": 96 bytes exceeds the limit of 16 bytes").c_str(),
                       std::runtime_error);
  write_file_atomically(path, make_file("{" + kTensorA + "}", kTwoFloats.substr(0, 4)));
  CHECK_THROWS_WITH_AS(
      load_safetensors(path),
      (path +
       ": tensor 'a' ends at data byte 8 but the file holds only 4 data bytes (truncated file?)")
          .c_str(),
      std::runtime_error);
}

TEST_CASE("to_entry and copy_from_entry: F32 bytes, int64 counters as 0-dim scalars") {
  Tensor w(Shape{2, 3});
  for (int64_t i = 0; i < 6; ++i) w[i] = 0.25f * float(i) - 1.0f;
  const TensorEntry we = to_entry("w", w);
  CHECK(we.dtype == "F32");
  CHECK(we.shape == std::vector<int64_t>{2, 3});
  REQUIRE(we.data.size() == 24);
  CHECK(std::memcmp(we.data.data(), w.data(), 24) == 0);
  Tensor w2(Shape{2, 3});
  copy_from_entry(we, w2, "src");
  CHECK(std::memcmp(w2.data(), w.data(), 24) == 0);

  Tensor count(Shape{1});
  count[0] = 12345.0f;
  const TensorEntry ce = to_entry("bn.num_batches_tracked", count, true);
  CHECK(ce.dtype == "I64");
  CHECK(ce.shape.empty());
  int64_t stored = 0;
  REQUIRE(ce.data.size() == 8);
  std::memcpy(&stored, ce.data.data(), 8);
  CHECK(stored == 12345);
  Tensor count2(Shape{1});
  copy_from_entry(ce, count2, "src");
  CHECK(count2[0] == 12345.0f);

  Tensor counts(Shape{3});
  counts.fill(2.0f);
  CHECK(to_entry("c", counts, true).shape == std::vector<int64_t>{3});
  counts[1] = 2.5f;
  CHECK_THROWS_WITH_AS(to_entry("c", counts, true), "tensor 'c' holds 2.500000, not a whole number",
                       std::invalid_argument);
}

TEST_CASE("copy_from_entry refuses mismatches and leaves the tensor unchanged") {
  Tensor t(Shape{2, 3});
  t.fill(7.0f);
  CHECK_THROWS_WITH_AS(copy_from_entry({"w", "F32", {3, 2}, std::string(24, '\0')}, t, "src"),
                       "src: tensor 'w' has shape [3, 2] but the model expects [2, 3]",
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(copy_from_entry({"w", "F32", {2, 3}, std::string(20, '\0')}, t, "src"),
                       "src: tensor 'w' holds 20 bytes, not 24", std::runtime_error);
  Tensor count(Shape{1});
  count[0] = 5.0f;
  CHECK_THROWS_WITH_AS(copy_from_entry({"n", "I64", {1}, std::string(8, '\0')}, count, "src"),
                       "src: tensor 'n' has shape [1] but the model expects []",
                       std::runtime_error);
  const int64_t too_big = (int64_t(1) << 24) + 1;
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &too_big, 8);
  CHECK_THROWS_WITH_AS(copy_from_entry({"n", "I64", {}, bytes}, count, "src"),
                       "src: tensor 'n' holds 16777217, which float32 cannot represent exactly",
                       std::runtime_error);
  CHECK(count[0] == 5.0f);
  for (int64_t i = 0; i < t.numel(); ++i) CHECK(t[i] == 7.0f);
}

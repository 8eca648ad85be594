#include <doctest/doctest.h>

#include <cstdint>

#include <minima/core/format.hpp>

using namespace minima;

TEST_CASE("format_bytes") {
  CHECK(format_bytes(0) == "0 bytes");
  CHECK(format_bytes(1023) == "1023 bytes");
  CHECK(format_bytes(1024) == "1.0 KB");
  CHECK(format_bytes(64 * 1024 + 512) == "64.5 KB");
  CHECK(format_bytes(int64_t(3) << 30) == "3.0 GB");
  CHECK(format_bytes(int64_t(5) << 40) == "5.0 TB");
}

TEST_CASE("joined_lines breaks after a comma before the width") {
  CHECK(joined_lines({"alpha", "beta", "gamma"}, 80) == "alpha, beta, gamma");
  CHECK(joined_lines({"alpha", "beta", "gamma"}, 12) == "alpha, beta,\ngamma");
  CHECK(joined_lines({"a-very-long-item", "b"}, 5) == "a-very-long-item,\nb");
  CHECK(joined_lines({}, 10).empty());
}

TEST_CASE("grouped_digits puts a comma between groups of three") {
  CHECK(grouped_digits(0) == "0");
  CHECK(grouped_digits(999) == "999");
  CHECK(grouped_digits(100010) == "100,010");
  CHECK(grouped_digits(1234567) == "1,234,567");
  CHECK(grouped_digits(-1234) == "-1,234");
}

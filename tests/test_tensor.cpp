// Tensor: shapes, views, slices, grow-only resize, deep copies, alignment,
// and check_shape's message.
#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include <minima/core/tensor.hpp>

using minima::Shape;
using minima::Tensor;

namespace {

bool aligned64(const float* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }

// A tensor holding 0, 1, 2, ... so every element is distinguishable.
Tensor iota(Shape shape) {
  Tensor t(shape);
  for (int64_t k = 0; k < t.numel(); ++k) t[k] = float(k);
  return t;
}

}  // namespace

TEST_CASE("Shape: rank, numel, str, tail and with_batch") {
  const Shape s{60, 784};
  CHECK(s.rank() == 2);
  CHECK(s.numel() == 60 * 784);
  CHECK(s.str() == "[60, 784]");
  CHECK(s.tail() == Shape{784});
  CHECK(Shape{784}.with_batch(60) == s);
  CHECK(Shape{2, 3} != Shape{3, 2});
  CHECK(Shape{2, 3} != Shape{2, 3, 1});
  CHECK_THROWS_AS(Shape({1, 2, 3, 4, 5}), std::invalid_argument);
  CHECK_THROWS_AS(Shape({2, -1}), std::invalid_argument);
  CHECK_THROWS_AS(Shape({1, 2, 3, 4}).with_batch(2), std::invalid_argument);
}

TEST_CASE("Tensor: a new tensor is zero-filled with the given shape") {
  Tensor t(Shape{3, 5});
  CHECK(t.shape() == Shape{3, 5});
  CHECK(t.numel() == 15);
  CHECK(t.dim(0) == 3);
  CHECK(t.dim(1) == 5);
  CHECK(t.cols() == 5);
  CHECK_FALSE(t.is_view());
  CHECK_FALSE(t.empty());
  for (int64_t k = 0; k < t.numel(); ++k) CHECK(t[k] == 0.0f);
  t.at(2, 4) = 7.0f;
  CHECK(t[14] == 7.0f);  // row-major
  CHECK(Tensor(Shape{4, 2, 3}).cols() == 6);
  CHECK(Tensor(Shape{4}).cols() == 1);
  CHECK(Tensor(Shape{0, 5}).cols() == 5);  // an empty batch still has 5 features
}

TEST_CASE("Tensor: a default tensor is empty and can be copied, filled and grown") {
  Tensor t;
  CHECK(t.empty());
  CHECK(t.numel() == 0);
  Tensor copy = t;
  CHECK(copy.empty());
  t.fill(1.0f);
  t.resize(Shape{2, 3});
  CHECK(t.shape() == Shape{2, 3});
  CHECK_FALSE(t.is_view());
  for (int64_t k = 0; k < t.numel(); ++k) CHECK(t[k] == 0.0f);
}

TEST_CASE("Tensor: storage is 64-byte aligned, also after growing") {
  for (int64_t n : {1, 3, 17, 1000}) {
    Tensor t(Shape{n});
    CHECK(aligned64(t.data()));
    t.resize(Shape{n * 5 + 3});
    CHECK(aligned64(t.data()));
    Tensor copy = t;
    CHECK(aligned64(copy.data()));
  }
}

TEST_CASE("Tensor: views share memory with what they view") {
  Tensor owner = iota(Shape{4, 3});
  Tensor v = Tensor::view(owner.data(), Shape{2, 6});
  CHECK(v.is_view());
  CHECK(v.data() == owner.data());
  v[7] = -1.0f;
  CHECK(owner.at(2, 1) == -1.0f);
  owner[0] = 42.0f;
  CHECK(v.at(0, 0) == 42.0f);
  // Moving a view keeps it a view of the same memory.
  Tensor moved = std::move(v);
  CHECK(moved.is_view());
  CHECK(moved.data() == owner.data());
}

TEST_CASE("Tensor: slice_rows is a view of whole rows") {
  Tensor t = iota(Shape{5, 2, 3});  // 6 floats per row
  Tensor s = t.slice_rows(1, 3);
  CHECK(s.is_view());
  CHECK(s.shape() == Shape{3, 2, 3});
  CHECK(s.data() == t.data() + 6);
  CHECK(s[0] == 6.0f);
  CHECK(s[17] == 23.0f);
  s[0] = -5.0f;
  CHECK(t[6] == -5.0f);
  CHECK(t.slice_rows(5, 0).numel() == 0);  // an empty slice at the end is fine
  CHECK(t.slice_rows(0, 5).data() == t.data());
  CHECK_THROWS_AS(t.slice_rows(4, 2), std::out_of_range);  // one past the end
  CHECK_THROWS_AS(t.slice_rows(-1, 1), std::out_of_range);
  CHECK_THROWS_AS(t.slice_rows(0, 6), std::out_of_range);
}

TEST_CASE("Tensor: resize only allocates when it must grow") {
  Tensor t = iota(Shape{4, 8});
  const float* storage = t.data();
  t.resize(Shape{2, 8});  // shrink: same storage, contents kept
  CHECK(t.data() == storage);
  CHECK(t.shape() == Shape{2, 8});
  CHECK(t[15] == 15.0f);
  t.resize(Shape{4, 8});  // regrow within capacity: still no allocation
  CHECK(t.data() == storage);
  CHECK(t[31] == 31.0f);
  t.resize(Shape{8, 4});  // same size, other shape
  CHECK(t.data() == storage);
  t.resize(Shape{5, 8});  // past capacity: new storage, old contents kept, rest zero
  CHECK(t.numel() == 40);
  for (int64_t k = 0; k < 32; ++k) CHECK(t[k] == float(k));
  for (int64_t k = 32; k < 40; ++k) CHECK(t[k] == 0.0f);
}

TEST_CASE("Tensor: a view can shrink but not grow past what it points to") {
  Tensor owner = iota(Shape{6});
  Tensor v = Tensor::view(owner.data(), Shape{6});
  v.resize(Shape{2, 2});
  CHECK(v.data() == owner.data());
  v.resize(Shape{6});
  CHECK_THROWS_WITH_AS(v.resize(Shape{7}), doctest::Contains("[7]"), std::invalid_argument);
}

TEST_CASE("Tensor: copies are deep and owned") {
  Tensor a = iota(Shape{3, 4});
  Tensor b = a;
  CHECK(b.shape() == a.shape());
  CHECK(b.data() != a.data());
  CHECK_FALSE(b.is_view());
  b[0] = 100.0f;
  CHECK(a[0] == 0.0f);

  // Copying a view gives an owned copy, not another view.
  Tensor v = Tensor::view(a.data(), Shape{12});
  Tensor c = v;
  CHECK_FALSE(c.is_view());
  CHECK(c.data() != a.data());
  CHECK(c[11] == 11.0f);

  // Copy-assignment into a larger owned tensor reuses its storage.
  Tensor big(Shape{100});
  const float* storage = big.data();
  big = a;
  CHECK(big.data() == storage);
  CHECK(big.shape() == a.shape());
  CHECK(big[11] == 11.0f);
  // ... and into a smaller one allocates.
  Tensor small(Shape{2});
  small = a;
  CHECK(small.shape() == a.shape());
  CHECK(small[5] == 5.0f);
  CHECK(aligned64(small.data()));
}

TEST_CASE("Tensor: moves transfer storage and leave an empty tensor") {
  Tensor a = iota(Shape{3, 3});
  const float* storage = a.data();
  Tensor b = std::move(a);
  CHECK(b.data() == storage);
  CHECK(b[8] == 8.0f);
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  Tensor c;
  c = std::move(b);
  CHECK(c.data() == storage);
}

TEST_CASE("Tensor: fill and zero") {
  Tensor t(Shape{2, 3});
  t.fill(2.5f);
  for (int64_t k = 0; k < 6; ++k) CHECK(t[k] == 2.5f);
  t.zero();
  for (int64_t k = 0; k < 6; ++k) CHECK(t[k] == 0.0f);
}

TEST_CASE("check_shape: the message names what, the expected and the actual shape") {
  Tensor t(Shape{3, 5});
  CHECK_NOTHROW(minima::check_shape(t, Shape{3, 5}, "x"));
  CHECK_THROWS_WITH_AS(minima::check_shape(t, Shape{3, 4}, "dense input"),
                       "dense input: expected shape [3, 4] but got [3, 5]", std::invalid_argument);
}

#pragma once
// Shape: rank 1-4 dimensions stored inline, so copying a shape never allocates.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace minima {

class Shape {
 public:
  static constexpr int kMaxRank = 4;

  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);

  int rank() const { return rank_; }
  int64_t operator[](int i) const { return dims_[i]; }
  int64_t& operator[](int i) { return dims_[i]; }
  int64_t numel() const;  // throws std::overflow_error past INT64_MAX
  // Shape without its first dimension: a sample's shape inside a batch.
  Shape tail() const;
  // This shape with `n` prepended: a batch of n samples of this shape.
  Shape with_batch(int64_t n) const;

  bool operator==(const Shape& other) const;
  bool operator!=(const Shape& other) const { return !(*this == other); }
  std::string str() const;  // "[60, 784]"

 private:
  int rank_ = 0;
  std::array<int64_t, kMaxRank> dims_{};
};

}  // namespace minima

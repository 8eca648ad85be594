#pragma once
// Tensor: float32, contiguous, row-major, 64-byte aligned. Either owns its
// storage or is a view into someone else's (a batch of a data set, one
// parameter inside the flat arena). Copies are deep; views are explicit.
#include <cstdint>
#include <memory>
#include <string>

#include <minima/core/shape.hpp>

namespace minima {

class Tensor {
 public:
  Tensor() = default;            // empty: shape [0], no storage; resize() allocates
  explicit Tensor(Shape shape);  // owned, zero-filled
  static Tensor view(float* data, Shape shape);

  Tensor(const Tensor& other);             // deep copy, owned
  Tensor& operator=(const Tensor& other);  // deep copy into own storage
  Tensor(Tensor&& other) noexcept;
  Tensor& operator=(Tensor&& other) noexcept;
  ~Tensor() = default;

  const Shape& shape() const { return shape_; }
  int64_t numel() const { return shape_.numel(); }
  int64_t dim(int i) const { return shape_[i]; }
  // Features per sample: the product of all dimensions but the first. A
  // [N, D] tensor has cols() == D, also when N == 0.
  int64_t cols() const;
  bool empty() const { return numel() == 0; }
  bool is_view() const { return data_ && !owner_; }

  float* data() { return data_; }
  const float* data() const { return data_; }
  float& operator[](int64_t i) { return data_[i]; }
  float operator[](int64_t i) const { return data_[i]; }
  // Element (i, j) of a rank-2 tensor.
  float& at(int64_t i, int64_t j) { return data_[i * shape_[1] + j]; }
  float at(int64_t i, int64_t j) const { return data_[i * shape_[1] + j]; }

  // Changes the shape. Storage is reallocated only when it must grow, so a
  // buffer resized to the same or a smaller batch never allocates. Contents
  // are kept up to the old size. A view cannot grow past what it points to.
  void resize(Shape shape);
  // A view of rows [begin, begin + count) along the first dimension.
  Tensor slice_rows(int64_t begin, int64_t count) const;

  void fill(float value);
  void zero() { fill(0.0f); }

 private:
  struct FreeDeleter {
    void operator()(float* p) const;
  };
  std::unique_ptr<float, FreeDeleter> owner_;
  float* data_ = nullptr;
  int64_t capacity_ = 0;  // floats available at data_
  Shape shape_{0};
};

// The largest tensor minima allocates, in bytes (default 4 GiB, a billion
// floats): a larger one comes from a mistake such as a mistyped layer width,
// and is refused before allocating ("a tensor of shape [2000000000, 784]
// needs 5.7 TB, more than the limit of 4.0 GB per tensor") instead of ending
// in std::bad_alloc or the OOM killer. Graph::build holds a model's
// parameters to it too (they share one arena).
int64_t max_tensor_bytes();
void set_max_tensor_bytes(int64_t bytes);
// Throws what allocating a tensor of `shape` over that limit throws, without
// allocating (for shapes declared now and given storage later).
void check_tensor_size(const Shape& shape);

// Throws std::invalid_argument "<what>: expected shape [a, b] but got [c, d]".
void check_shape(const Tensor& t, const Shape& expected, const std::string& what);

}  // namespace minima

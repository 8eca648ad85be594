#include <minima/core/tensor.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <stdexcept>

#include <minima/core/format.hpp>

namespace minima {
namespace {

constexpr size_t kAlignment = 64;

float* allocate_aligned(int64_t count) {
  size_t bytes = static_cast<size_t>(count) * sizeof(float);
  bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, std::max(bytes, kAlignment));
  if (!p) throw std::bad_alloc();
  return static_cast<float*>(p);
}

std::atomic<int64_t> max_bytes{int64_t(4) << 30};

// Storage for `shape`, refused above the limit before allocating.
float* allocate_for(const Shape& shape) {
  check_tensor_size(shape);
  return allocate_aligned(shape.numel());
}

}  // namespace

void check_tensor_size(const Shape& shape) {
  const int64_t count = shape.numel();
  if (count > max_bytes / int64_t(sizeof(float)))
    throw std::runtime_error("a tensor of shape " + shape.str() + " needs " +
                             format_bytes(count > INT64_MAX / 4 ? INT64_MAX : count * 4) +
                             ", more than the limit of " + format_bytes(max_bytes) + " per tensor");
}

void Tensor::FreeDeleter::operator()(float* p) const { std::free(p); }

Tensor::Tensor(Shape shape) : shape_(shape) {
  capacity_ = shape.numel();
  owner_.reset(allocate_for(shape));
  data_ = owner_.get();
  std::fill(data_, data_ + capacity_, 0.0f);
}

Tensor Tensor::view(float* data, Shape shape) {
  Tensor t;
  t.data_ = data;
  t.capacity_ = shape.numel();
  t.shape_ = shape;
  return t;
}

Tensor::Tensor(const Tensor& other) : Tensor(other.shape_) {
  std::copy(other.data_, other.data_ + other.numel(), data_);
}

Tensor& Tensor::operator=(const Tensor& other) {
  if (this == &other) return *this;
  if (!owner_ || capacity_ < other.numel()) *this = Tensor(other.shape_);
  shape_ = other.shape_;
  std::copy(other.data_, other.data_ + other.numel(), data_);
  return *this;
}

Tensor::Tensor(Tensor&& other) noexcept
    : owner_(std::move(other.owner_)),
      data_(other.data_),
      capacity_(other.capacity_),
      shape_(other.shape_) {
  other.data_ = nullptr;
  other.capacity_ = 0;
  other.shape_ = Shape{0};
}

Tensor& Tensor::operator=(Tensor&& other) noexcept {
  if (this == &other) return *this;
  owner_ = std::move(other.owner_);
  data_ = other.data_;
  capacity_ = other.capacity_;
  shape_ = other.shape_;
  other.data_ = nullptr;
  other.capacity_ = 0;
  other.shape_ = Shape{0};
  return *this;
}

int64_t Tensor::cols() const { return shape_.rank() == 0 ? 0 : shape_.tail().numel(); }

void Tensor::resize(Shape shape) {
  int64_t need = shape.numel();
  if (need > capacity_) {
    if (is_view())
      throw std::invalid_argument("cannot grow a tensor view from " + shape_.str() + " to " +
                                  shape.str());
    float* fresh = allocate_for(shape);
    std::copy(data_, data_ + numel(), fresh);
    std::fill(fresh + numel(), fresh + need, 0.0f);
    owner_.reset(fresh);
    data_ = fresh;
    capacity_ = need;
  }
  shape_ = shape;
}

Tensor Tensor::slice_rows(int64_t begin, int64_t count) const {
  if (shape_.rank() == 0 || begin < 0 || count < 0 || begin + count > shape_[0])
    throw std::out_of_range("slice_rows(" + std::to_string(begin) + ", " + std::to_string(count) +
                            ") out of range for shape " + shape_.str());
  Shape s = shape_;
  s[0] = count;
  return view(data_ + begin * cols(), s);
}

void Tensor::fill(float value) { std::fill(data_, data_ + numel(), value); }

int64_t max_tensor_bytes() { return max_bytes; }
void set_max_tensor_bytes(int64_t bytes) { max_bytes = bytes; }

void check_shape(const Tensor& t, const Shape& expected, const std::string& what) {
  if (t.shape() != expected)
    throw std::invalid_argument(what + ": expected shape " + expected.str() + " but got " +
                                t.shape().str());
}

}  // namespace minima

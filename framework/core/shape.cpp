#include <minima/core/shape.hpp>

#include <stdexcept>

namespace minima {

Shape::Shape(std::initializer_list<int64_t> dims) {
  if (dims.size() > kMaxRank)
    throw std::invalid_argument("shape rank " + std::to_string(dims.size()) + " exceeds 4");
  for (int64_t d : dims) {
    if (d < 0) throw std::invalid_argument("negative dimension in shape");
    dims_[rank_++] = d;
  }
}

int64_t Shape::numel() const {
  int64_t n = 1;
  for (int i = 0; i < rank_; ++i)
    if (__builtin_mul_overflow(n, dims_[i], &n))
      throw std::overflow_error("shape " + str() +
                                " has more elements than a 64-bit integer can count");
  return n;
}

Shape Shape::tail() const {
  Shape s;
  for (int i = 1; i < rank_; ++i) s.dims_[s.rank_++] = dims_[i];
  return s;
}

Shape Shape::with_batch(int64_t n) const {
  if (rank_ == kMaxRank)
    throw std::invalid_argument("shape " + str() + " has no room for a batch dimension");
  Shape s;
  s.dims_[s.rank_++] = n;
  for (int i = 0; i < rank_; ++i) s.dims_[s.rank_++] = dims_[i];
  return s;
}

bool Shape::operator==(const Shape& other) const {
  if (rank_ != other.rank_) return false;
  for (int i = 0; i < rank_; ++i)
    if (dims_[i] != other.dims_[i]) return false;
  return true;
}

std::string Shape::str() const {
  std::string s = "[";
  for (int i = 0; i < rank_; ++i) s += (i ? ", " : "") + std::to_string(dims_[i]);
  return s + "]";
}

}  // namespace minima

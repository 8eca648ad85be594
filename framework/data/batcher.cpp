#include <minima/data/batcher.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>

#include <minima/core/rng.hpp>

namespace minima {

Batcher::Batcher(const Dataset& data, int64_t batch_size, Normalization norm, bool shuffle,
                 uint64_t seed, bool drop_last)
    : data_(&data),
      batch_size_(batch_size),
      normalization_(norm),
      shuffle_(shuffle),
      seed_(seed),
      drop_last_(drop_last) {
  if (batch_size < 1)
    throw std::invalid_argument("batch size must be at least 1, got " + std::to_string(batch_size));
  if (data.count < 1) throw std::invalid_argument("cannot serve batches of an empty data set");
  if (drop_last && batch_size > data.count)
    throw std::invalid_argument("batch size " + std::to_string(batch_size) +
                                " with drop_last exceeds the " + std::to_string(data.count) +
                                " samples of the data set: no batch would be served");
  if (!(norm.std > 0.0f) || !std::isfinite(norm.std) || !std::isfinite(norm.mean))
    throw std::invalid_argument("normalization needs a finite mean and a positive std, got mean " +
                                std::to_string(norm.mean) + ", std " + std::to_string(norm.std));
  if (shuffle) order_.resize(size_t(data.count));
}

int64_t Batcher::samples_per_epoch() const {
  return drop_last_ ? data_->count / batch_size_ * batch_size_ : data_->count;
}

int64_t Batcher::batches_per_epoch() const {
  return (samples_per_epoch() + batch_size_ - 1) / batch_size_;
}

void Batcher::serve_part(int64_t part, int64_t parts) {
  if (parts < 1 || part < 0 || part >= parts || !drop_last_ || batch_size_ % parts != 0)
    throw std::invalid_argument("cannot serve part " + std::to_string(part) + " of " +
                                std::to_string(parts) + " of batches of " +
                                std::to_string(batch_size_) +
                                " (parts must divide the batch size, with drop_last)");
  part_ = part;
  parts_ = parts;
}

void Batcher::seek(int64_t epoch, int64_t position) {
  if (epoch < 0 || position < 0 || position > samples_per_epoch())
    throw std::out_of_range("cannot seek to epoch " + std::to_string(epoch) + ", position " +
                            std::to_string(position) + ": an epoch serves " +
                            std::to_string(samples_per_epoch()) + " samples");
  epoch_ = epoch;
  position_ = position;
}

void Batcher::prepare_order() {
  if (!shuffle_ || order_epoch_ == epoch_) return;
  // The key "epoch <e>" built without std::string, so a new epoch never allocates.
  char key[32] = "epoch ";
  const auto end = std::to_chars(key + 6, key + sizeof key, epoch_).ptr;
  Rng rng = Rng::keyed(seed_, std::string_view(key, size_t(end - key)));
  std::iota(order_.begin(), order_.end(), int64_t(0));
  for (int64_t i = int64_t(order_.size()) - 1; i > 0; --i)
    std::swap(order_[i], order_[rng.below(uint64_t(i) + 1)]);
  order_epoch_ = epoch_;
}

bool Batcher::next(Batch& batch) {
  if (position_ >= samples_per_epoch()) {
    ++epoch_;
    position_ = 0;
    return false;
  }
  prepare_order();
  const int64_t whole = std::min(batch_size_, samples_per_epoch() - position_);
  // This part's rows [first, first + size) of the whole batch (all of it with one part).
  const int64_t size = whole / parts_, first = position_ + part_ * size;
  const int64_t features = data_->sample_shape.numel();
  const Shape shape = data_->sample_shape.with_batch(size);
  if (batch.x.is_view()) batch.x = Tensor(shape);  // a default (empty) tensor owns no storage yet
  batch.x.resize(shape);
  batch.labels.resize(size_t(size));
  float* x = batch.x.data();
  const uint8_t* pixels = data_->pixels.data();
  auto sample_at = [&](int64_t b) { return shuffle_ ? order_[size_t(first + b)] : first + b; };
  for (int64_t b = 0; b < size; ++b) {
    const int64_t sample = sample_at(b);
    // Shuffled samples lie far apart: the next one's pixels are asked for
    // before this one is scaled, so they arrive while it is.
    if (b + 1 < size) {
      const uint8_t* next = pixels + sample_at(b + 1) * features;
      for (int64_t byte = 0; byte < features; byte += 64) __builtin_prefetch(next + byte);
    }
    normalize_pixels(pixels + sample * features, features, normalization_, x + b * features);
    batch.labels[size_t(b)] = data_->labels[size_t(sample)];
  }
  position_ += whole;
  return true;
}

Batch first_samples(const Dataset& set, const Normalization& normalization, int64_t count) {
  Batcher batcher(set, std::min(count, set.count), normalization, /*shuffle=*/false, 0,
                  /*drop_last=*/false);
  Batch batch;
  batcher.next(batch);
  return batch;
}

}  // namespace minima

#pragma once
// Serves mini-batches of a Dataset, epoch after epoch, as float tensors.
// Legend: B batch size, [C, H, W] a sample's shape (Dataset::sample_shape).
#include <cstdint>
#include <vector>

#include <minima/core/tensor.hpp>
#include <minima/data/dataset.hpp>

namespace minima {

struct Batch {
  Tensor x;                     // [B, C, H, W], (pixel/255 - mean) / std
  std::vector<int32_t> labels;  // [B]
  int64_t size() const { return int64_t(labels.size()); }
};

// With shuffle, epoch e visits the samples in the order of a permutation drawn
// from Rng::keyed(seed, "epoch " + std::to_string(e)): Fisher-Yates from the
// identity, for i = n-1 down to 1 swap order[i] with order[rng.below(i + 1)].
// Any (epoch, position) can therefore be re-entered exactly (resume).
// Without shuffle every epoch serves the samples in file order.
// The Batcher keeps a reference to `data`, which must outlive it.
class Batcher {
 public:
  Batcher(const Dataset& data, int64_t batch_size, Normalization norm, bool shuffle, uint64_t seed,
          bool drop_last);

  // Fills `batch` with the next batch of the current epoch (gather and
  // scaling in one pass) and returns true; at the end of an epoch returns
  // false, and the next call starts the next epoch. Never allocates once
  // `batch` has held a full-size batch.
  bool next(Batch& batch);

  // From now on serves only part `part` (0-based) of `parts` equal parts of
  // each batch: its rows [part B/parts, (part + 1) B/parts), the samples a
  // process of a data-parallel run trains on. Every part walks the same
  // order. Needs drop_last and parts dividing the batch size.
  void serve_part(int64_t part, int64_t parts);

  int64_t epoch() const { return epoch_; }        // 0-based epoch being served
  int64_t position() const { return position_; }  // samples already served in this epoch
  // Continues at `position` samples into `epoch` (0 <= position <= samples per epoch).
  void seek(int64_t epoch, int64_t position);
  int64_t batches_per_epoch() const;

 private:
  int64_t samples_per_epoch() const;  // count, or whole batches only with drop_last
  void prepare_order();               // draws the permutation of epoch_ if not done yet

  const Dataset* data_;
  int64_t batch_size_;
  Normalization normalization_;
  bool shuffle_;
  uint64_t seed_;
  bool drop_last_;
  std::vector<int64_t> order_;  // [count] this epoch's permutation (shuffle only)
  int64_t order_epoch_ = -1;    // epoch whose permutation order_ holds
  int64_t epoch_ = 0;
  int64_t position_ = 0;
  int64_t part_ = 0, parts_ = 1;
};

// The first `count` samples of `set` (all of them if fewer), in file order,
// scaled like training batches: a fixed batch to measure a model on.
Batch first_samples(const Dataset& set, const Normalization& normalization, int64_t count);

}  // namespace minima

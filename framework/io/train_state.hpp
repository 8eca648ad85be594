#pragma once
// train_state.safetensors: everything besides the model's weights that a
// resumed run needs to continue bit-exactly. The optimizer's state tensors
// (momentum, Adam moments and step count) are stored as F32 tensors named
// "optimizer.<name>"; the counters are strings in the metadata, written
// with enough digits to read back exactly, and each layer's random stream
// is "stream.<layer>" in the metadata (its four state words).
#include <cstdint>
#include <map>
#include <string>

#include <minima/core/rng.hpp>
#include <minima/optim/optimizer.hpp>

namespace minima {

struct TrainState {
  int64_t step = 0;           // optimizer steps done
  int64_t batcher_epoch = 0;  // Batcher::epoch() / position() after the last step
  int64_t batcher_position = 0;
  double seconds = 0;  // wall time of the run so far
  // Running training statistics since the last evaluation point.
  double loss_sum = 0;  // sum of batch mean loss * batch size
  int64_t correct = 0;
  int64_t seen = 0;
  std::map<std::string, Rng::State> streams;  // layer name -> its random stream's state
};

// Writes atomically.
void save_train_state(const std::string& path, const TrainState& state, Optimizer& optimizer);
// Reads `path` and fills the optimizer's state. Every optimizer state tensor
// must be in the file with its shape and the file may hold nothing else;
// errors name the file and the first mismatch.
TrainState load_train_state(const std::string& path, Optimizer& optimizer);

}  // namespace minima

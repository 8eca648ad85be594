#pragma once
// One input of each fuzz target, run the way a user's file reaches minima.
// The libFuzzer targets (fuzz/fuzz_<target>.cpp) call these for every
// generated input, and tests/test_regressions.cpp replays the inputs kept
// under tests/data/regressions/<target>/ through them.
//
// The contract checked: a hostile file either loads or fails with minima's
// clear error (std::runtime_error, or std::invalid_argument where a shape or
// argument is refused), which these functions swallow. Anything else (a
// std::bad_alloc, std::length_error, a raw nlohmann exception) escapes and
// counts as a finding, like a sanitizer report or a crash.
#include <string_view>

#include <minima/nn/graph.hpp>

namespace minima::fuzz {

// read_idx_images and read_idx_labels on a file holding bytes[1:], written
// as is when bytes[0] is even, gzip-compressed first when it is odd (so
// that mutations reach the header checks behind a valid gzip stream).
void idx_input(std::string_view bytes);

// load_run_config on a file holding `bytes`, then one training step with
// what it accepted (graph forward/backward in train and eval mode, loss,
// optimizer step at the schedule's first learning rate).
void config_input(std::string_view bytes);

// decode_safetensors on `bytes`, then load_model of the same file into
// small_model().
void safetensors_input(std::string_view bytes);

// The image path of `minima predict` on a file holding bytes[1:]: when
// bytes[0] is odd, load_image as gray and prepare_like_mnist (an MNIST
// model's input), else load_image as RGB and resize_image to 8x6 (an image-
// folder model's input). Limits are lowered to 1 MB files and 1 Mpixel.
void image_input(std::string_view bytes);

// The model safetensors inputs load into (and whose checkpoints seed the
// fuzzing): dense 4->3, batchnorm (an I64 counter among F32 tensors), dense 3->2.
Graph small_model();

}  // namespace minima::fuzz

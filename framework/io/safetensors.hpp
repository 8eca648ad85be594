#pragma once
// The safetensors file format (Hugging Face), which PyTorch users read with
// `safetensors.torch.load_file`:
//
//   8 bytes   N, the header length, unsigned 64-bit little-endian
//   N bytes   JSON header, padded with spaces so that N is a multiple of 8:
//             {"__metadata__": {"format": "pt"},
//              "fc1.weight": {"dtype": "F32", "shape": [3, 4], "data_offsets": [0, 48]}, ...}
//   the rest  the tensors' bytes, little-endian, row-major, back to back in
//             the order of their offsets (relative to the byte after the
//             header), with no overlaps and no holes.
//
// minima reads and writes the dtypes F32 and I64 (int64 counters such as
// BatchNorm's num_batches_tracked).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <minima/core/tensor.hpp>

namespace minima {

struct TensorEntry {
  std::string name;
  std::string dtype;           // "F32" or "I64"
  std::vector<int64_t> shape;  // [] is a scalar (one element)
  std::string data;            // raw little-endian bytes, numel * element size
};

struct SafetensorsContents {
  std::vector<TensorEntry> tensors;             // in file (offset) order
  std::map<std::string, std::string> metadata;  // "__metadata__"
  // The tensor named `name`, or nullptr.
  const TensorEntry* find(const std::string& name) const;
};

// The file's bytes; tensors are stored in the given order. Throws
// std::invalid_argument for an entry that is not self-consistent (unknown
// dtype, negative dimension, data size != numel * element size, duplicate
// or reserved name).
std::string encode_safetensors(const std::vector<TensorEntry>& tensors,
                               const std::map<std::string, std::string>& metadata = {});
// Parses and validates everything before returning: the length prefix
// against the size, the header JSON (an object; no duplicate names; each
// tensor exactly {dtype, shape, data_offsets}; metadata strings only), the
// dtypes, the shapes (non-negative, byte size without overflow and equal to
// the offsets' span), and the offsets (contiguous from 0 to the end of the
// file), and at most 100,000 tensors ("<source>: header lists more than
// 100000 tensors ..."). Time is linear in the header's size (up to a log
// factor). Errors are std::runtime_error "<source>: <what>".
SafetensorsContents decode_safetensors(std::string_view bytes, const std::string& source);

// encode_safetensors + write_file_atomically.
void save_safetensors(const std::string& path, const std::vector<TensorEntry>& tensors,
                      const std::map<std::string, std::string>& metadata = {});
// read_file (refusing files above max_bytes) + decode_safetensors.
SafetensorsContents load_safetensors(const std::string& path, int64_t max_bytes = int64_t(1) << 31);

// A tensor as an entry: F32, or I64 when `as_int64` (every value must then
// be a whole number). A one-element I64 tensor of shape [1] is stored with
// shape [] (a 0-dim scalar, as PyTorch stores counters); otherwise the shape
// is t.shape().
TensorEntry to_entry(const std::string& name, const Tensor& t, bool as_int64 = false);
// Copies an entry into `t` (whose shape is fixed), the inverse of to_entry:
// the entry's shape must be t's shape ([] for an I64 entry into a [1]
// tensor); I64 values become floats and must be exact in float32
// (|v| <= 2^24). Checks everything before writing, so `t` is unchanged on
// error: "<source>: tensor 'fc1.weight' has shape [3, 5] but the model expects [3, 4]".
void copy_from_entry(const TensorEntry& e, Tensor& t, const std::string& source);

// "[3, 4]", "[]".
std::string shape_string(const std::vector<int64_t>& shape);

}  // namespace minima

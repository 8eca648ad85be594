#include <minima/io/safetensors.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <set>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include <minima/core/atomic_file.hpp>

namespace minima {

// The format is little-endian; tensors are copied as raw memory.
static_assert(std::endian::native == std::endian::little,
              "minima's safetensors I/O assumes a little-endian host");

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr const char* kMetadataKey = "__metadata__";
// The reference implementation's limit; real headers are a few MB at most.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr int kMaxHeaderDepth = 64;
// Far above any real model (a large language model has a few thousand);
// refused while parsing, before the entries are built.
constexpr size_t kMaxTensors = 100'000;
// Largest integer up to which every integer is exact in float32.
constexpr int64_t kMaxExactFloatInteger = int64_t(1) << 24;

// Bytes per element, 0 for a dtype minima does not handle.
int64_t element_size(const std::string& dtype) {
  if (dtype == "F32") return 4;
  if (dtype == "I64") return 8;
  return 0;
}

// numel * element size, or -1 on a negative dimension or int64 overflow.
int64_t byte_size(const std::vector<int64_t>& shape, int64_t element_bytes) {
  int64_t bytes = element_bytes;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(bytes, d, &bytes)) return -1;
  return bytes;
}

std::vector<int64_t> dims_of(const Shape& shape) {
  std::vector<int64_t> dims;
  for (int i = 0; i < shape.rank(); ++i) dims.push_back(shape[i]);
  return dims;
}

// The shape `t` has in a file: a one-element int64 counter is a 0-dim scalar.
std::vector<int64_t> file_shape(const Tensor& t, bool as_int64) {
  if (as_int64 && t.shape() == Shape{1}) return {};
  return dims_of(t.shape());
}

[[noreturn]] void refuse(const std::string& source, const std::string& what) {
  throw std::runtime_error(source + ": " + what);
}

uint64_t read_u64_le(std::string_view bytes) {
  uint64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

// A JSON array of non-negative integers (exactly `count` of them when count >= 0).
bool is_count_list(const json& j, int count) {
  if (!j.is_array() || (count >= 0 && j.size() != size_t(count))) return false;
  return std::all_of(j.begin(), j.end(), [](const json& v) { return v.is_number_unsigned(); });
}

// The header: its JSON (a std::map-backed object, so lookups are
// logarithmic) and its top-level keys in file order.
struct Header {
  json object;
  std::vector<std::string> keys;
};

// nlohmann's DOM builder with the header's checks added as it reads: the
// nesting depth (a real header is 3 levels deep; one nested millions deep
// would overflow the stack in nlohmann's recursive dump), the number of
// tensors, and the top-level keys in order (a plain parse would silently
// merge a duplicate). Not nlohmann's callback parser: after every object it
// closes, that one scans the enclosing object, quadratic in the number of
// tensors. sax_parse calls these members by name, so hiding the base's
// (non-virtual) ones is enough.
class HeaderSax : public nlohmann::detail::json_sax_dom_parser<json> {
  using Base = nlohmann::detail::json_sax_dom_parser<json>;

 public:
  HeaderSax(Header& header, const std::string& source)
      : Base(header.object), header_(header), source_(source) {}

  bool start_object(std::size_t n) { return deeper() && Base::start_object(n); }
  bool start_array(std::size_t n) { return deeper() && Base::start_array(n); }
  bool end_object() { return --depth_, Base::end_object(); }
  bool end_array() { return --depth_, Base::end_array(); }
  bool key(std::string& key) {
    if (depth_ == 1) {
      if (key != kMetadataKey && ++tensors_ > kMaxTensors)
        refuse(source_, "header lists more than " + std::to_string(kMaxTensors) +
                            " tensors (the limit of minima's safetensors reader)");
      if (!seen_.insert(key).second && duplicate_.empty()) duplicate_ = key;
      header_.keys.push_back(key);
    }
    return Base::key(key);
  }
  const std::string& duplicate() const { return duplicate_; }

 private:
  bool deeper() {
    if (++depth_ > kMaxHeaderDepth)
      refuse(source_,
             "header is nested deeper than " + std::to_string(kMaxHeaderDepth) + " levels");
    return true;
  }

  Header& header_;
  const std::string& source_;
  int depth_ = 0;
  size_t tensors_ = 0;
  std::set<std::string> seen_;
  std::string duplicate_;
};

// Parses the header text in time linear in its length (up to a log factor)
// with HeaderSax's checks; refuses invalid JSON and duplicate top-level keys.
Header parse_header(std::string_view text, const std::string& source) {
  if (text.empty() || text[0] != '{')
    refuse(source, "header does not start with '{' (not a safetensors file?)");
  Header header;
  HeaderSax sax(header, source);
  try {
    json::sax_parse(text, &sax);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    refuse(source, "header is not valid JSON: " + what.substr(what.find("] ") + 2));
  } catch (const json::out_of_range& e) {  // a number beyond double, e.g. 1e400
    std::string what = e.what();
    refuse(source, "header is not valid JSON: " + what.substr(what.find("] ") + 2, 120));
  }
  if (!header.object.is_object()) refuse(source, "header is not a JSON object");
  if (!sax.duplicate().empty()) refuse(source, "header names '" + sax.duplicate() + "' twice");
  return header;
}

std::map<std::string, std::string> read_metadata(const json& j, const std::string& source) {
  if (!j.is_object()) refuse(source, "__metadata__ is not an object of strings");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string())
      refuse(source, "__metadata__ '" + key + "' is " + value.dump() + ", not a string");
    metadata[key] = value.get<std::string>();
  }
  return metadata;
}

// One tensor's header entry, with its byte range (relative to the data section).
struct TensorInfo {
  TensorEntry entry;  // without data
  uint64_t begin, end;
};

TensorInfo read_tensor_info(const std::string& name, const json& j, const std::string& source) {
  const std::string what = "tensor '" + name + "'";
  if (!j.is_object() || j.size() != 3 || !j.contains("dtype") || !j.contains("shape") ||
      !j.contains("data_offsets"))
    refuse(source, what + " is " + j.dump() +
                       ", expected exactly {\"dtype\", \"shape\", \"data_offsets\"}");
  if (!j["dtype"].is_string())
    refuse(source, what + " has dtype " + j["dtype"].dump() + ", expected a string");
  TensorInfo info;
  info.entry.name = name;
  info.entry.dtype = j["dtype"].get<std::string>();
  const int64_t element_bytes = element_size(info.entry.dtype);
  if (element_bytes == 0)
    refuse(source, what + " has dtype " + info.entry.dtype + "; minima reads only F32 and I64");
  if (!is_count_list(j["shape"], -1))
    refuse(source,
           what + " has shape " + j["shape"].dump() + ", expected a list of non-negative integers");
  if (!is_count_list(j["data_offsets"], 2))
    refuse(source,
           what + " has data_offsets " + j["data_offsets"].dump() + ", expected [begin, end]");
  for (const json& d : j["shape"]) {
    if (d.get<uint64_t>() > uint64_t(INT64_MAX))
      refuse(source, what + " has a dimension too large to address");
    info.entry.shape.push_back(d.get<int64_t>());
  }
  info.begin = j["data_offsets"][0].get<uint64_t>();
  info.end = j["data_offsets"][1].get<uint64_t>();
  const int64_t bytes = byte_size(info.entry.shape, element_bytes);
  if (bytes < 0)
    refuse(source,
           what + " has shape " + shape_string(info.entry.shape) + ", too large to address");
  if (info.end < info.begin || info.end - info.begin != uint64_t(bytes))
    refuse(source, what + " has shape " + shape_string(info.entry.shape) + " (" +
                       std::to_string(bytes) + " bytes as " + info.entry.dtype +
                       ") but data_offsets " + j["data_offsets"].dump());
  return info;
}

}  // namespace

const TensorEntry* SafetensorsContents::find(const std::string& name) const {
  for (const TensorEntry& e : tensors)
    if (e.name == name) return &e;
  return nullptr;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string encode_safetensors(const std::vector<TensorEntry>& tensors,
                               const std::map<std::string, std::string>& metadata) {
  // The header is written entry by entry (metadata first, then the tensors
  // in their order), in time linear in the number of tensors.
  std::string text = "{";
  std::set<std::string> names;
  uint64_t offset = 0;
  try {
    if (!metadata.empty()) text += json(kMetadataKey).dump() + ":" + json(metadata).dump();
    for (const TensorEntry& e : tensors) {
      const std::string what = "safetensors: tensor '" + e.name + "'";
      if (e.name == kMetadataKey || !names.insert(e.name).second)
        throw std::invalid_argument(what + " is a duplicate or reserved name");
      const int64_t element_bytes = element_size(e.dtype);
      if (element_bytes == 0)
        throw std::invalid_argument(what + " has dtype '" + e.dtype + "', expected F32 or I64");
      const int64_t bytes = byte_size(e.shape, element_bytes);
      if (bytes < 0 || uint64_t(bytes) != e.data.size())
        throw std::invalid_argument(what + " holds " + std::to_string(e.data.size()) +
                                    " bytes but its shape " + shape_string(e.shape) + " as " +
                                    e.dtype + " needs " + std::to_string(bytes));
      const ordered_json entry = {{"dtype", e.dtype},
                                  {"shape", e.shape},
                                  {"data_offsets", {offset, offset + e.data.size()}}};
      text += (text.size() > 1 ? "," : "") + json(e.name).dump() + ":" + entry.dump();
      offset += e.data.size();
    }
  } catch (const json::type_error& e) {  // a name or value that is not UTF-8
    throw std::invalid_argument(std::string("safetensors: header cannot be written: ") + e.what());
  }
  text += "}";
  text.resize((text.size() + 7) / 8 * 8, ' ');  // tensors then start 8-byte aligned

  std::string file(8, '\0');
  const uint64_t header_bytes = text.size();
  std::memcpy(file.data(), &header_bytes, sizeof header_bytes);
  file.reserve(8 + text.size() + offset);
  file += text;
  for (const TensorEntry& e : tensors) file += e.data;
  return file;
}

SafetensorsContents decode_safetensors(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8)
    refuse(source, "file of " + std::to_string(bytes.size()) +
                       " bytes is too short for the 8-byte header length");
  const uint64_t header_bytes = read_u64_le(bytes);
  if (header_bytes > kMaxHeaderBytes)
    refuse(source, "header of " + std::to_string(header_bytes) + " bytes exceeds the limit of " +
                       std::to_string(kMaxHeaderBytes));
  if (header_bytes > bytes.size() - 8)
    refuse(source, "header length " + std::to_string(header_bytes) + " exceeds the " +
                       std::to_string(bytes.size() - 8) +
                       " bytes after the length prefix (truncated file?)");
  const Header header = parse_header(bytes.substr(8, header_bytes), source);
  const std::string_view body = bytes.substr(8 + header_bytes);

  SafetensorsContents contents;
  std::vector<TensorInfo> infos;
  for (const std::string& name : header.keys) {
    const json& value = header.object.at(name);
    if (name == kMetadataKey)
      contents.metadata = read_metadata(value, source);
    else
      infos.push_back(read_tensor_info(name, value, source));
  }
  // File order is offset order; an empty tensor sorts before a non-empty one
  // at the same offset, and empty tensors at one offset keep header order.
  std::stable_sort(infos.begin(), infos.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
  });
  uint64_t expected_begin = 0;
  const TensorInfo* previous = nullptr;
  for (TensorInfo& info : infos) {
    const std::string what = "tensor '" + info.entry.name + "'";
    if (info.begin != expected_begin)
      refuse(source, what + " starts at data byte " + std::to_string(info.begin) + " but " +
                         (previous ? "tensor '" + previous->entry.name + "' ends"
                                   : std::string("the data starts")) +
                         " at " + std::to_string(expected_begin) +
                         " (tensors must be contiguous, without overlaps or holes)");
    if (info.end > body.size())
      refuse(source, what + " ends at data byte " + std::to_string(info.end) +
                         " but the file holds only " + std::to_string(body.size()) +
                         " data bytes (truncated file?)");
    info.entry.data = std::string(body.substr(info.begin, info.end - info.begin));
    expected_begin = info.end;
    previous = &info;
  }
  if (expected_begin != body.size())
    refuse(source,
           std::to_string(body.size() - expected_begin) + " bytes follow the last tensor's data");
  for (TensorInfo& info : infos) contents.tensors.push_back(std::move(info.entry));
  return contents;
}

void save_safetensors(const std::string& path, const std::vector<TensorEntry>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  write_file_atomically(path, encode_safetensors(tensors, metadata));
}

SafetensorsContents load_safetensors(const std::string& path, int64_t max_bytes) {
  return decode_safetensors(read_file(path, max_bytes), path);
}

TensorEntry to_entry(const std::string& name, const Tensor& t, bool as_int64) {
  TensorEntry e{name, as_int64 ? "I64" : "F32", file_shape(t, as_int64), {}};
  const float* values = t.data();
  if (!as_int64) {
    e.data.assign(reinterpret_cast<const char*>(values), size_t(t.numel()) * sizeof(float));
    return e;
  }
  e.data.resize(size_t(t.numel()) * sizeof(int64_t));
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (!std::isfinite(values[i]) || std::trunc(values[i]) != values[i])
      throw std::invalid_argument("tensor '" + name + "' holds " + std::to_string(values[i]) +
                                  ", not a whole number");
    const int64_t v = static_cast<int64_t>(values[i]);
    std::memcpy(e.data.data() + i * sizeof v, &v, sizeof v);
  }
  return e;
}

void copy_from_entry(const TensorEntry& e, Tensor& t, const std::string& source) {
  const std::string what = "tensor '" + e.name + "'";
  const bool is_int64 = e.dtype == "I64";
  if (!is_int64 && e.dtype != "F32")
    refuse(source, what + " has dtype " + e.dtype + "; minima reads only F32 and I64");
  const std::vector<int64_t> expected = file_shape(t, is_int64);
  if (e.shape != expected)
    refuse(source, what + " has shape " + shape_string(e.shape) + " but the model expects " +
                       shape_string(expected));
  const size_t n = size_t(t.numel());
  if (e.data.size() != n * size_t(element_size(e.dtype)))
    refuse(source, what + " holds " + std::to_string(e.data.size()) + " bytes, not " +
                       std::to_string(n * size_t(element_size(e.dtype))));
  if (!is_int64) {
    std::memcpy(t.data(), e.data.data(), n * sizeof(float));
    return;
  }
  std::vector<int64_t> values(n);
  std::memcpy(values.data(), e.data.data(), n * sizeof(int64_t));
  for (int64_t v : values)
    if (v > kMaxExactFloatInteger || v < -kMaxExactFloatInteger)
      refuse(source,
             what + " holds " + std::to_string(v) + ", which float32 cannot represent exactly");
  std::copy(values.begin(), values.end(), t.data());
}

}  // namespace minima

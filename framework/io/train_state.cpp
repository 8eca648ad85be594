#include <minima/io/train_state.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <vector>

#include <minima/io/safetensors.hpp>

namespace minima {
namespace {

constexpr const char* kFormat = "minima-train-state-1";
const std::string kPrefix = "optimizer.";
const std::string kStreamPrefix = "stream.";

std::string stream_text(const Rng::State& state) {
  std::string text;
  for (uint64_t word : state) {
    if (!text.empty()) text += ' ';
    text += std::to_string(word);
  }
  return text;
}

Rng::State parse_stream(const std::string& text, const std::string& key, const std::string& path) {
  Rng::State state{};
  const char* p = text.c_str();
  for (uint64_t& word : state) {
    char* end = nullptr;
    errno = 0;
    word = std::strtoull(p, &end, 10);
    if (end == p || errno == ERANGE || (*end != ' ' && *end != '\0'))
      throw std::runtime_error(path + ": metadata '" + key + "' is '" + text +
                               "', expected four unsigned 64-bit integers");
    p = end;
  }
  if (*p != '\0')
    throw std::runtime_error(path + ": metadata '" + key + "' is '" + text +
                             "', expected four unsigned 64-bit integers");
  return state;
}

std::string exact(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);  // 17 significant digits round-trip any double
  return text;
}

class MetadataReader {
 public:
  MetadataReader(const std::map<std::string, std::string>& metadata, const std::string& path)
      : metadata_(metadata), path_(path) {}

  const std::string& text(const std::string& key) const {
    auto it = metadata_.find(key);
    if (it == metadata_.end()) throw std::runtime_error(path_ + ": metadata has no '" + key + "'");
    return it->second;
  }
  int64_t integer(const std::string& key) const {
    const std::string& s = text(key);
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || v < 0)
      throw std::runtime_error(path_ + ": metadata '" + key + "' is '" + s +
                               "', expected a non-negative integer");
    return v;
  }
  double real(const std::string& key) const {
    const std::string& s = text(key);
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0')
      throw std::runtime_error(path_ + ": metadata '" + key + "' is '" + s +
                               "', expected a number");
    return v;
  }

 private:
  const std::map<std::string, std::string>& metadata_;
  const std::string& path_;
};

}  // namespace

void save_train_state(const std::string& path, const TrainState& s, Optimizer& optimizer) {
  std::vector<TensorEntry> tensors;
  for (const auto& [name, tensor] : optimizer.state())
    tensors.push_back(to_entry(kPrefix + name, *tensor));
  std::map<std::string, std::string> metadata = {
      {"format", kFormat},
      {"optimizer", optimizer.config().value("type", "")},
      {"step", std::to_string(s.step)},
      {"batcher_epoch", std::to_string(s.batcher_epoch)},
      {"batcher_position", std::to_string(s.batcher_position)},
      {"seconds", exact(s.seconds)},
      {"train_loss_sum", exact(s.loss_sum)},
      {"train_correct", std::to_string(s.correct)},
      {"train_seen", std::to_string(s.seen)},
  };
  for (const auto& [layer, state] : s.streams) metadata[kStreamPrefix + layer] = stream_text(state);
  save_safetensors(path, tensors, metadata);
}

TrainState load_train_state(const std::string& path, Optimizer& optimizer) {
  const SafetensorsContents file = load_safetensors(path);
  const MetadataReader meta(file.metadata, path);
  if (meta.text("format") != kFormat)
    throw std::runtime_error(path + ": format '" + meta.text("format") + "', expected '" + kFormat +
                             "'");
  const std::string type = optimizer.config().value("type", "");
  if (meta.text("optimizer") != type)
    throw std::runtime_error(path + ": holds the state of optimizer '" + meta.text("optimizer") +
                             "' but the config asks for '" + type + "'");
  TrainState s;
  s.step = meta.integer("step");
  s.batcher_epoch = meta.integer("batcher_epoch");
  s.batcher_position = meta.integer("batcher_position");
  s.seconds = meta.real("seconds");
  s.loss_sum = meta.real("train_loss_sum");
  s.correct = meta.integer("train_correct");
  s.seen = meta.integer("train_seen");
  for (const auto& [key, text] : file.metadata)
    if (key.starts_with(kStreamPrefix))
      s.streams[key.substr(kStreamPrefix.size())] = parse_stream(text, key, path);

  const auto state = optimizer.state();
  std::vector<const TensorEntry*> entries;
  for (const auto& [name, tensor] : state) {
    const TensorEntry* e = file.find(kPrefix + name);
    if (!e) throw std::runtime_error(path + ": missing tensor '" + kPrefix + name + "'");
    entries.push_back(e);
  }
  if (file.tensors.size() != state.size())
    for (const TensorEntry& e : file.tensors) {
      bool known = false;
      for (const auto& st : state) known = known || e.name == kPrefix + st.first;
      if (!known)
        throw std::runtime_error(path + ": unexpected tensor '" + e.name + "' for optimizer '" +
                                 type + "'");
    }
  for (size_t i = 0; i < state.size(); ++i) copy_from_entry(*entries[i], *state[i].second, path);
  return s;
}

}  // namespace minima

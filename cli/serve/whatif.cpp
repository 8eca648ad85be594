#include "cli/serve/whatif.hpp"

#include <stdexcept>
#include <utility>

namespace minima::cli {
namespace {

// A setting the page may change and the JSON kind its value must have.
struct WhatIfSetting {
  const char* key;
  nlohmann::json::value_t kind;  // number_float: any number
};

constexpr WhatIfSetting kWhatIfSettings[] = {
    {"optimizer.lr", nlohmann::json::value_t::number_float},
    {"model.batchnorm", nlohmann::json::value_t::boolean},
    {"train.batch_size", nlohmann::json::value_t::number_unsigned},
    {"model.std", nlohmann::json::value_t::number_float},
    {"model.activation", nlohmann::json::value_t::string},
};

bool has_kind(const nlohmann::json& value, nlohmann::json::value_t kind) {
  if (kind == nlohmann::json::value_t::number_float) return value.is_number();
  if (kind == nlohmann::json::value_t::number_unsigned) return value.is_number_integer();
  return value.type() == kind;
}

}  // namespace

const char* whatif_settings() {
  return "optimizer.lr, model.batchnorm, train.batch_size, model.std, model.activation, seeds";
}

WhatIf read_whatif(const std::string& body, int id) {
  const nlohmann::ordered_json request = nlohmann::ordered_json::parse(body, nullptr, false);
  if (!request.is_object()) throw std::invalid_argument("expected a JSON object of settings");
  WhatIf w;
  w.id = id;
  w.name = "what if #" + std::to_string(id);
  w.changes = nlohmann::ordered_json::object();
  std::string described;
  for (const auto& [key, value] : request.items()) {
    if (key == "seeds") {
      if (!value.is_array() || value.empty() || value.size() > 10)
        throw std::invalid_argument("seeds: expected a list of 1 to 10 seeds");
      w.seeds = value;
      continue;
    }
    const WhatIfSetting* setting = nullptr;
    for (const WhatIfSetting& s : kWhatIfSettings)
      if (key == s.key) setting = &s;
    if (!setting)
      throw std::invalid_argument("'" + key + "' is not a setting the page may change (" +
                                  whatif_settings() + ")");
    if (!has_kind(value, setting->kind))
      throw std::invalid_argument(key + ": " + value.dump() + " is not a " +
                                  (setting->kind == nlohmann::json::value_t::boolean  ? "true/false"
                                   : setting->kind == nlohmann::json::value_t::string ? "name"
                                                                                      : "number"));
    w.changes[key] = value;
    described += (described.empty() ? ": " : ", ") + key + "=" + value.dump();
  }
  if (w.changes.empty() && w.seeds.is_null())
    throw std::invalid_argument(std::string("change at least one setting (") + whatif_settings() +
                                ")");
  w.name += described.empty() ? ": seeds " + w.seeds.dump() : described;
  return w;
}

nlohmann::ordered_json whatif_document(nlohmann::ordered_json compare_doc, const WhatIf& w) {
  // {"configs": [a, b, ...]}: the what-if starts from the first, as from a base.
  if (compare_doc.contains("configs") && compare_doc["configs"].is_array() &&
      !compare_doc["configs"].empty()) {
    compare_doc["base"] = compare_doc["configs"][0];
    compare_doc.erase("configs");
  }
  compare_doc.erase("sweep");
  compare_doc.erase("baseline");
  compare_doc["variants"] = nlohmann::ordered_json::object({{w.name, w.changes}});
  if (!w.seeds.is_null()) compare_doc["seeds"] = w.seeds;
  return compare_doc;
}

std::string WhatIfQueue::push(WhatIf w) {
  const std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  while (!recent_.empty() && now - recent_.front() > std::chrono::minutes(1)) recent_.pop_front();
  if (recent_.size() >= kPerMinute)
    return "at most " + std::to_string(kPerMinute) + " what-ifs a minute: try again shortly";
  if (waiting_.size() >= kMaxQueued)
    return "already " + std::to_string(kMaxQueued) + " what-ifs waiting: cancel one or wait";
  recent_.push_back(now);
  waiting_.push_back(std::move(w));
  queued_.notify_one();
  return "";
}

bool WhatIfQueue::cancel(int id) {
  const std::lock_guard lock(mutex_);
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it)
    if (it->id == id) {
      waiting_.erase(it);
      return true;
    }
  return false;
}

std::optional<WhatIf> WhatIfQueue::next(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (!queued_.wait_for(lock, wait, [&] { return !waiting_.empty(); })) return std::nullopt;
  WhatIf w = std::move(waiting_.front());
  waiting_.pop_front();
  return w;
}

}  // namespace minima::cli

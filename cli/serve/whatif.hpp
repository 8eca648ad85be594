#pragma once
// "What if?" from the live page (`minima compare --serve`): another variant
// of the comparison's base with a few documented settings changed, run
// after the configured runs like any other variant. The page POSTs
//   {"optimizer.lr": 0.5, "model.batchnorm": false, "train.batch_size": 30,
//    "model.std": 0.1, "model.activation": "relu", "seeds": [0, 1]}
// (any subset); nothing else is accepted, no paths and no config files. The
// variant is the compare file's own document with "variants" set to it alone
// (no sweep, no baseline; "seeds" kept unless given; a {"configs": [...]}
// compare starts from its first config), so the same config code
// checks it and the same seeds give the same data order and initial weights.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace minima::cli {

struct WhatIf {
  int id = 0;
  std::string name;                // "what if #1: optimizer.lr=0.5"
  nlohmann::ordered_json changes;  // {"optimizer.lr": 0.5, ...}
  nlohmann::json seeds;            // a list of seeds, or null: the compare's
};

// The settings the page may change (dotted config keys), for messages and the page.
const char* whatif_settings();

// Reads a POST body; throws std::invalid_argument naming what is wrong
// (not JSON, not an object, a setting not in the list, a value of the
// wrong kind, more than 10 seeds).
WhatIf read_whatif(const std::string& body, int id);

// The compare document that runs `w` alone.
nlohmann::ordered_json whatif_document(nlohmann::ordered_json compare_doc, const WhatIf& w);

// The what-ifs waiting for the cores: at most kMaxQueued, at most
// kPerMinute started from the page in any minute.
class WhatIfQueue {
 public:
  static constexpr size_t kMaxQueued = 8;
  static constexpr size_t kPerMinute = 10;

  // Queues `w`; "" or why not (the queue is full / too many this minute).
  std::string push(WhatIf w);
  // Removes a queued what-if; false when it is not queued (running or unknown).
  bool cancel(int id);
  // The next what-if, or none after `wait` passes without one.
  std::optional<WhatIf> next(std::chrono::milliseconds wait);

 private:
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<WhatIf> waiting_;
  std::deque<std::chrono::steady_clock::time_point> recent_;  // when each of the last minute's came
};

}  // namespace minima::cli

#pragma once
// A small, fast, portable random generator (xoshiro256**, seeded by
// splitmix64). Its whole state is four integers, so training state can be
// saved and resumed bit-exactly, and results do not depend on the C++
// library's distributions.
#include <array>
#include <cstdint>
#include <string_view>

namespace minima {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  // An independent stream for `key` (e.g. a layer's name): the same seed and
  // key always give the same numbers, whatever else the program draws.
  static Rng keyed(uint64_t seed, std::string_view key);

  uint64_t next();
  float uniform();                 // [0, 1)
  float normal();                  // N(0, 1), Box-Muller
  uint64_t below(uint64_t bound);  // uniform integer in [0, bound)

  using State = std::array<uint64_t, 4>;
  State state() const { return s_; }
  void set_state(const State& s) { s_ = s; }

 private:
  State s_{};
};

}  // namespace minima

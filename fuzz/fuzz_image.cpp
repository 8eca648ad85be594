// libFuzzer target: see fuzz_inputs.hpp (image_input).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  minima::fuzz::image_input(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

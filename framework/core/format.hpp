#pragma once
// Sizes in words, for messages.
#include <cstdint>
#include <string>

namespace minima {

// "512 bytes", "64.0 KB", "3.0 GB" (powers of 1024).
std::string format_bytes(int64_t bytes);

}  // namespace minima

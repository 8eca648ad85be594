#pragma once
// Sizes and lists in words, for messages.
#include <cstdint>
#include <string>
#include <vector>

namespace minima {

// "512 bytes", "64.0 KB", "3.0 GB" (powers of 1024).
std::string format_bytes(int64_t bytes);

// "a, b, c" (empty for no items).
std::string joined(const std::vector<std::string>& items);

}  // namespace minima

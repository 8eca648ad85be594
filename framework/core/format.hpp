#pragma once
// Sizes, lists and names in words, for messages, folder names and commands.
#include <cstdint>
#include <string>
#include <vector>

namespace minima {

// "512 bytes", "64.0 KB", "3.0 GB" (powers of 1024).
std::string format_bytes(int64_t bytes);

// 1234567 -> "1,234,567"
std::string grouped_digits(int64_t n);

// "a, b, c" (empty for no items).
std::string joined(const std::vector<std::string>& items);
// The same, broken after a comma into lines of at most `width` characters
// (an item longer than that gets a line of its own).
std::string joined_lines(const std::vector<std::string>& items, size_t width);

// "without BN, lr=0.5" -> "without-bn-lr-0-5": lower-case letters and
// digits, each other run of characters one dash (none at the ends).
std::string slugify(const std::string& name);

// `text` as one word of a POSIX shell: as it is when it holds only safe
// characters, else in single quotes (a ' inside written '\'').
std::string shell_word(const std::string& text);

}  // namespace minima

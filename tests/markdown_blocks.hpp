#pragma once
// Reading the code blocks of a Markdown file, for tests that keep the docs
// true to the code.
#include <filesystem>
#include <string>
#include <vector>

namespace minima::test {

// The whole file ("" when it cannot be read).
std::string read_text(const std::filesystem::path& path);

// The fenced blocks (```<language> ... ```) of `markdown` whose language is
// one of `languages`, without the fences.
std::vector<std::string> code_blocks(const std::string& markdown,
                                     const std::vector<std::string>& languages);

}  // namespace minima::test

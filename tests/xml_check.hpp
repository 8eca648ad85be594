#pragma once
// Helpers for tests of generated markup: well-formedness by xmllint (from
// libxml2-utils) and counting substrings.
#include <cstdlib>
#include <string>

namespace minima::test {

// Exit status of `xmllint --noout <path>`: 0 when the file is well-formed XML.
inline int xmllint_status(const std::string& path) {
  const int status = std::system(("xmllint --noout '" + path + "' 2>/dev/null").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++n;
  return n;
}

}  // namespace minima::test

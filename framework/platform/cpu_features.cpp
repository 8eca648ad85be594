#include <minima/platform/cpu_features.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

namespace minima {

std::string cpuinfo_field(const std::string& key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    if (name == key) return line.substr(std::min(line.size(), colon + 2));
  }
  return "";
}

std::vector<std::string> vector_extensions_from_flags(const std::string& flags) {
  static const char* kExtensions[] = {"sse4_2",   "avx",         "fma",         "f16c",
                                      "avx2",     "avx512f",     "avx512dq",    "avx512bw",
                                      "avx512vl", "avx512_bf16", "avx512_fp16", "amx_tile"};
  std::istringstream words(flags);
  std::vector<std::string> present((std::istream_iterator<std::string>(words)),
                                   std::istream_iterator<std::string>());
  std::vector<std::string> found;
  for (const char* e : kExtensions)
    if (std::find(present.begin(), present.end(), e) != present.end()) found.push_back(e);
  return found;
}

std::vector<std::string> cpu_vector_extensions() {
  return vector_extensions_from_flags(cpuinfo_field("flags"));
}

std::string cpu_isa(const std::vector<std::string>& extensions) {
  auto has = [&](const char* e) {
    return std::find(extensions.begin(), extensions.end(), e) != extensions.end();
  };
  if (has("avx512f")) return "avx512";
  if (has("avx2") && has("fma")) return "avx2";
  if (has("avx")) return "avx";
  return "sse";
}

std::string kernel_isa(const std::string& corename) {
  // OpenBLAS's x86-64 DYNAMIC_ARCH kernel names (driver/others/dynamic.c).
  static const std::pair<const char*, const char*> kKernels[] = {
      {"SkylakeX", "avx512"}, {"Cooperlake", "avx512"}, {"SapphireRapids", "avx512"},
      {"Haswell", "avx2"},    {"Zen", "avx2"},          {"Sandybridge", "avx"},
      {"Bulldozer", "avx"},   {"Piledriver", "avx"},    {"Steamroller", "avx"},
      {"Excavator", "avx"},   {"Nehalem", "sse"},       {"Core2", "sse"},
      {"Penryn", "sse"},      {"Dunnington", "sse"},    {"Prescott", "sse"},
      {"Barcelona", "sse"},   {"Opteron", "sse"},       {"Atom", "sse"},
      {"Nano", "sse"},        {"Bobcat", "sse"}};
  for (const auto& [name, isa] : kKernels)
    if (corename == name) return isa;
  return "";
}

int isa_rank(const std::string& isa) {
  static const char* kLevels[] = {"sse", "avx", "avx2", "avx512"};
  for (int i = 0; i < 4; ++i)
    if (isa == kLevels[i]) return i;
  return -1;
}

}  // namespace minima

#include <minima/io/metrics_log.hpp>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include <minima/core/atomic_file.hpp>

namespace minima {

MetricsLog::MetricsLog(std::string path, const char* mode)
    : path_(std::move(path)), file_(std::fopen(path_.c_str(), mode)) {
  if (!file_)
    throw std::runtime_error(path_ + ": cannot open for writing: " + std::strerror(errno));
}

MetricsLog MetricsLog::create(const std::string& path) {
  write_file_atomically(path, std::string(kHeader) + "\n");
  return MetricsLog(path, "a");
}

MetricsLog MetricsLog::resume(const std::string& path, int64_t last_step) {
  std::istringstream in(read_file(path));
  std::string line, kept;
  if (!std::getline(in, line) || line != kHeader)
    throw std::runtime_error(path + ": expected the header '" + kHeader + "' on line 1");
  kept = line + "\n";
  for (int line_number = 2; std::getline(in, line); ++line_number) {
    if (line.empty()) continue;
    char* end = nullptr;
    const long long step = std::strtoll(line.c_str(), &end, 10);
    if (end == line.c_str() || *end != ',')
      throw std::runtime_error(path + ": line " + std::to_string(line_number) +
                               ": expected a row starting with a step number");
    if (step <= last_step) kept += line + "\n";
  }
  write_file_atomically(path, kept);
  return MetricsLog(path, "a");
}

void MetricsLog::append(const EvalPoint& p) {
  // lr with %.9g: every digit of a float, so a schedule's values read back exactly.
  std::fprintf(file_.get(), "%lld,%.6f,%.9g,%.6f,%.6f,%.6f,%.6f,%.3f\n",
               static_cast<long long>(p.step), p.epoch, double(p.lr), p.train_loss, p.train_acc,
               p.eval_loss, p.eval_acc, p.seconds);
  if (std::fflush(file_.get()) != 0)
    throw std::runtime_error(path_ + ": cannot write: " + std::strerror(errno));
}

}  // namespace minima

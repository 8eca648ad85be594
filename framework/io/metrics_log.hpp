#pragma once
// metrics.csv of a training run: one row per evaluation point,
//   step,epoch,lr,train_loss,train_acc,eval_loss,eval_acc,seconds
// train_* are the running means over the steps since the previous row,
// accuracies are fractions in [0, 1]. Each row is flushed when written, so
// the file is complete up to the last evaluation even if the run dies.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace minima {

// The numbers of one evaluation point (one metrics row).
struct EvalPoint {
  int64_t step = 0;  // optimizer steps done
  double epoch = 0;  // step / batches per epoch
  float lr = 0;      // learning rate of the last step
  double train_loss = 0, train_acc = 0;
  double eval_loss = 0, eval_acc = 0;
  double seconds = 0;  // wall time since the run started (resumes included)
};

class MetricsLog {
 public:
  static constexpr const char* kHeader =
      "step,epoch,lr,train_loss,train_acc,eval_loss,eval_acc,seconds";

  MetricsLog() = default;
  // Starts `path` afresh with the header.
  static MetricsLog create(const std::string& path);
  // Keeps the header and the rows with step <= last_step (rewritten
  // atomically), then appends after them. Refuses a file whose header is
  // not kHeader or whose rows do not start with a step number.
  static MetricsLog resume(const std::string& path, int64_t last_step);

  // Writes and flushes one row.
  void append(const EvalPoint& point);
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  MetricsLog(std::string path, const char* mode);

  std::string path_;
  std::unique_ptr<std::FILE, Closer> file_;
};

}  // namespace minima

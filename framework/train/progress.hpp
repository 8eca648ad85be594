#pragma once
// What a training run prints while it runs. On a terminal, a Keras-style
// bar per stretch between evaluations (an epoch when evaluating per epoch),
// redrawn in place at most 10 times a second:
//   Epoch 2/10
//    420/1000 [===========>..................] - ETA: 6s - loss: 0.3124 - acc: 91.20%
// Otherwise one line per evaluation point:
//   step 1000/50000  epoch 1.20  lr 2.0  loss 0.2345  acc 93.10%  eval_loss 0.2100
//   eval_acc 94.00%  12.3s
// Lines are formatted into fixed buffers: printing never allocates.
#include <cstdint>
#include <cstdio>

#include <minima/io/metrics_log.hpp>

namespace minima {

enum class ProgressStyle {
  Auto,  // Bar when `out` is a terminal, else Lines
  Bar,
  Lines,
  Quiet,  // nothing
};

class Progress {
 public:
  Progress() = default;  // Quiet
  Progress(ProgressStyle style, int64_t total_steps, int64_t steps_per_epoch,
           std::FILE* out = stdout);

  ProgressStyle style() const { return style_; }
  // Training is about to run steps (from, to] before its next evaluation.
  void begin_interval(int64_t from, int64_t to, double seconds);
  // After each step: the running loss and accuracy since the interval began.
  void update(int64_t step, double loss, double acc, double seconds);
  // At each evaluation point (closes the bar).
  void eval_point(const EvalPoint& point);
  // Ends a bar left half-drawn (before an error or a stop message).
  void interrupt();

  // "2.0", "0.1", "3e-05": a learning rate as people write it.
  static void format_lr(char* text, size_t size, float lr);

 private:
  void draw_bar(int64_t step, double loss, double acc, double seconds, const EvalPoint* end);

  ProgressStyle style_ = ProgressStyle::Quiet;
  int64_t total_steps_ = 0, steps_per_epoch_ = 1;
  std::FILE* out_ = stdout;
  int64_t from_ = 0, to_ = 0;
  double interval_start_ = 0, last_draw_ = -1;
  bool bar_open_ = false;  // a bar is drawn without its newline
};

}  // namespace minima

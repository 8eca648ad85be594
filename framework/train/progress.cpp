#include <minima/train/progress.hpp>

#include <unistd.h>
#include <cstring>

namespace minima {
namespace {

constexpr int kBarWidth = 30;
constexpr double kRedrawSeconds = 0.1;

// "45s", "3:07", "1:02:03" (Keras' ETA format).
void format_duration(char* text, size_t size, double seconds) {
  const long long s = seconds > 0 ? static_cast<long long>(seconds + 0.5) : 0;
  if (s < 60)
    std::snprintf(text, size, "%llds", s);
  else if (s < 3600)
    std::snprintf(text, size, "%lld:%02lld", s / 60, s % 60);
  else
    std::snprintf(text, size, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
}

}  // namespace

Progress::Progress(ProgressStyle style, int64_t total_steps, int64_t steps_per_epoch,
                   std::FILE* out)
    : style_(style), total_steps_(total_steps), steps_per_epoch_(steps_per_epoch), out_(out) {
  if (style_ == ProgressStyle::Auto)
    style_ = isatty(fileno(out_)) ? ProgressStyle::Bar : ProgressStyle::Lines;
}

void Progress::format_lr(char* text, size_t size, float lr) {
  std::snprintf(text, size, "%.4g", double(lr));
  if (!std::strpbrk(text, ".eni")) std::strncat(text, ".0", size - std::strlen(text) - 1);
}

void Progress::begin_interval(int64_t from, int64_t to, double seconds) {
  from_ = from;
  to_ = to;
  interval_start_ = seconds;
  last_draw_ = -1;
  if (style_ != ProgressStyle::Bar) return;
  const auto spe = static_cast<long long>(steps_per_epoch_);
  if (from % steps_per_epoch_ == 0 && to - from == steps_per_epoch_)
    std::fprintf(out_, "Epoch %lld/%lld\n", static_cast<long long>(from) / spe + 1,
                 (static_cast<long long>(total_steps_) + spe - 1) / spe);
  else
    std::fprintf(out_, "Steps %lld-%lld/%lld\n", static_cast<long long>(from) + 1,
                 static_cast<long long>(to), static_cast<long long>(total_steps_));
  std::fflush(out_);
}

void Progress::update(int64_t step, double loss, double acc, double seconds) {
  if (style_ != ProgressStyle::Bar || (last_draw_ >= 0 && seconds - last_draw_ < kRedrawSeconds))
    return;
  last_draw_ = seconds;
  draw_bar(step, loss, acc, seconds, nullptr);
}

void Progress::draw_bar(int64_t step, double loss, double acc, double seconds,
                        const EvalPoint* end) {
  const int64_t done = step - from_, target = to_ - from_;
  const int filled = target > 0 ? int(kBarWidth * done / target) : kBarWidth;
  char bar[kBarWidth + 1];
  for (int i = 0; i < kBarWidth; ++i) bar[i] = i < filled ? '=' : '.';
  if (filled > 0 && done < target) bar[filled - 1] = '>';
  bar[kBarWidth] = '\0';

  const double elapsed = seconds - interval_start_;
  char time[64], duration[24];
  if (end) {
    format_duration(duration, sizeof duration, elapsed);
    const double per_step = done > 0 ? elapsed / double(done) : 0.0;
    if (per_step >= 1e-3)
      std::snprintf(time, sizeof time, "%s %.0fms/step", duration, 1e3 * per_step);
    else
      std::snprintf(time, sizeof time, "%s %.0fus/step", duration, 1e6 * per_step);
  } else {
    format_duration(duration, sizeof duration,
                    done > 0 ? elapsed / double(done) * double(target - done) : 0.0);
    std::snprintf(time, sizeof time, "ETA: %s", duration);
  }
  const int digits = std::snprintf(nullptr, 0, "%lld", static_cast<long long>(target));
  std::fprintf(out_, "\r%*lld/%lld [%s] - %s - loss: %.4f - acc: %.2f%%", digits,
               static_cast<long long>(done), static_cast<long long>(target), bar, time, loss,
               100.0 * acc);
  if (end)
    std::fprintf(out_, " - eval_loss: %.4f - eval_acc: %.2f%%", end->eval_loss,
                 100.0 * end->eval_acc);
  std::fputs(end ? "\033[K\n" : "\033[K", out_);
  std::fflush(out_);
  bar_open_ = !end;
}

void Progress::interrupt() {
  if (!bar_open_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  bar_open_ = false;
}

void Progress::eval_point(const EvalPoint& p) {
  if (style_ == ProgressStyle::Bar) {
    draw_bar(p.step, p.train_loss, p.train_acc, p.seconds, &p);
  } else if (style_ == ProgressStyle::Lines) {
    char lr[32];
    format_lr(lr, sizeof lr, p.lr);
    std::fprintf(out_,
                 "step %lld/%lld  epoch %.2f  lr %s  loss %.4f  acc %.2f%%  eval_loss %.4f  "
                 "eval_acc %.2f%%  %.1fs\n",
                 static_cast<long long>(p.step), static_cast<long long>(total_steps_), p.epoch, lr,
                 p.train_loss, 100.0 * p.train_acc, p.eval_loss, 100.0 * p.eval_acc, p.seconds);
    std::fflush(out_);
  }
}

}  // namespace minima

#include <minima/io/run_checkpoint.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <minima/core/atomic_file.hpp>

namespace minima {
namespace fs = std::filesystem;
namespace {

constexpr const char* kModel = "model.safetensors";
constexpr const char* kTrainState = "train_state.safetensors";
constexpr const char* kCheckpoints = "checkpoints";

std::string step_name(int64_t step) { return "step-" + std::to_string(step); }

// RUN_DIR/checkpoints/step-<S>, relative to RUN_DIR.
fs::path relative_dir(int64_t step) { return fs::path(kCheckpoints) / step_name(step); }

// Makes a new directory entry in `dir` durable.
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const int rc = fd < 0 ? -1 : ::fsync(fd);
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (rc != 0) throw std::runtime_error(dir.string() + ": cannot write: " + std::strerror(error));
}

}  // namespace

std::string run_model_path(const std::string& run_dir) {
  return (fs::path(run_dir) / kModel).string();
}

std::optional<CheckpointFiles> committed_checkpoint(const std::string& run_dir) {
  const fs::path model = fs::path(run_dir) / kModel;
  std::error_code error;
  const fs::file_status link = fs::symlink_status(model, error);
  if (fs::is_symlink(link)) {
    const fs::path dir = (fs::path(run_dir) / fs::read_symlink(model)).parent_path();
    return CheckpointFiles{model.string(), (dir / kTrainState).string()};
  }
  return std::nullopt;
}

CheckpointFiles prepare_checkpoint(const std::string& run_dir, int64_t step) {
  const fs::path dir = fs::path(run_dir) / relative_dir(step);
  fs::remove_all(dir);
  fs::create_directories(dir);
  sync_directory(dir.parent_path());
  return {(dir / kModel).string(), (dir / kTrainState).string()};
}

void commit_checkpoint(const std::string& run_dir, int64_t step) {
  replace_symlink_atomically(run_model_path(run_dir), (relative_dir(step) / kModel).string());
  const fs::path checkpoints = fs::path(run_dir) / kCheckpoints;
  for (const fs::directory_entry& e : fs::directory_iterator(checkpoints))
    if (e.path().filename() != step_name(step)) fs::remove_all(e.path());
}

void remove_checkpoints(const std::string& run_dir) {
  fs::remove(run_model_path(run_dir));  // first: from here on nothing is committed
  fs::remove_all(fs::path(run_dir) / kCheckpoints);
}

}  // namespace minima

#pragma once
// Whole-file reads and crash-safe whole-file writes, for checkpoints and run
// outputs: a reader (or a crash) sees either the old file or the complete
// new one, never a half-written file.
#include <cstdint>
#include <string>
#include <string_view>

namespace minima {

// Writes `bytes` to `path` through a temp file in the same directory
// (path + ".tmp.<pid>"): write all, fsync, rename over `path`, fsync the
// directory. On failure (ENOSPC, EACCES, missing directory, ...) the temp
// file is removed, the old file is untouched, and std::runtime_error says
// "<path>: cannot write: <strerror>". After a success, temp files of `path`
// left by writers that were killed mid-write (their pid is gone) are
// removed. Two threads of one process must not write the same path at once
// (they would share the temp name).
void write_file_atomically(const std::string& path, std::string_view bytes);

// Points the symlink `path` at `target` (relative to path's directory)
// atomically: a symlink "<path>.tmp.<pid>" renamed over `path`, then the
// directory fsynced. Errors as for write_file_atomically.
void replace_symlink_atomically(const std::string& path, const std::string& target);

// The whole file, read to its end (a pipe, FIFO or device too, whose size
// is unknown up front). Refuses a file larger than `max_bytes` before
// reading it ("<path>: 3.0 GB exceeds the limit of 2.0 GB"), or as soon as
// a stream passes it ("<path>: more data than the limit of 1.0 MB"); other
// failures say "<path>: cannot read: <strerror>".
std::string read_file(const std::string& path, int64_t max_bytes = int64_t(1) << 31);

namespace testing {
// TEST-ONLY fault injection: the NEXT write_file_atomically call writes
// `bytes` bytes of its temp file and then fails as if the disk were full
// (ENOSPC). One-shot; a negative value cancels a pending failure.
void fail_writes_after(int64_t bytes);
// TEST-ONLY, read from the environment (set it for a child process):
// MINIMA_TEST_KILL_DURING_SAVE=<file name>:<n> kills the process (SIGKILL)
// half-way through writing the temp file of the n-th write of a file (or
// symlink) with that name, before the rename; "<file name>:<n>:renamed"
// kills it right after that rename.
}  // namespace testing

}  // namespace minima

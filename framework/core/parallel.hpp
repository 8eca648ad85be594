#pragma once
// A tiny fork-join pool for everything minima computes on more than one
// thread: its flat loops (activations, bias, SGD, Adam, zero_grad, fan-out
// sums), BatchNorm's row blocks and planes, conv2d's shares of the batch,
// and the slices of a large GEMM (blas.cpp
// gives each thread one single-threaded OpenBLAS call). One pool for all,
// so nothing else spins on the cores between two GEMMs. Idle workers poll
// briefly, then sleep.
//
// Thread t takes the t-th equal share of a loop's chunks first, so the same
// rows land on the same core in every loop and every step; a thread out of
// work takes others' unstarted chunks.
#include <cstdint>
#include <type_traits>

namespace minima {

// parallel_for's chunk bounds are multiples of this: whole 64-byte cache
// lines of floats (and whole blocks of rows for BatchNorm's column sums).
inline constexpr int64_t kChunkAlign = 16;

namespace detail {
using ChunkFn = void (*)(const void* fn, int64_t begin, int64_t end);
void run_parallel(int64_t n, int64_t min_chunk, ChunkFn chunk, const void* fn);
}  // namespace detail

// Splits [0, n) into contiguous chunks (up to four per pool thread, a
// multiple of the thread count when there are more chunks than threads)
// and runs fn(begin, end) on each, on the calling thread and the pool's,
// before returning. No chunk is shorter than min_chunk (so small loops
// stay on one thread) and chunk bounds are multiples of kChunkAlign. fn
// must treat chunks independently (no sums across them), so results never
// depend on timing, nor on the thread count unless fn's result depends on
// where a chunk starts (gemm's slices: OpenBLAS may round a slice
// differently from the whole). fn must not throw; loops are not nested,
// and one thread at a time (the training loop's) calls parallel_for.
// Allocates nothing.
template <class F>
void parallel_for(int64_t n, int64_t min_chunk, const F& fn) {
  detail::run_parallel(
      n, min_chunk,
      [](const void* f, int64_t begin, int64_t end) { (*static_cast<const F*>(f))(begin, end); },
      &fn);
}

// Runs fn(part) for part = 0 .. parts - 1 on the pool, each part whole on
// one thread: for work cut into a few large parts that each own their
// buffers (conv2d: a share of the batch per thread).
template <class F>
void parallel_parts(int64_t parts, const F& fn) {
  parallel_for(parts * kChunkAlign, kChunkAlign, [&fn](int64_t begin, int64_t end) {
    for (int64_t part = begin / kChunkAlign; part < end / kChunkAlign; ++part) fn(part);
  });
}

// Floats per chunk below which a second thread costs more than it saves:
// waking a worker takes microseconds, and a loop over floats in cache does
// a few thousand per microsecond.
inline constexpr int64_t kParallelGrain = 1 << 14;
// The min_chunk for a loop whose every index touches `floats` floats (a
// row's or a column's worth of a matrix).
inline int64_t grain_for(int64_t floats) { return kParallelGrain / (floats > 0 ? floats : 1) + 1; }

// The pool's size including the calling thread (1 = run inline).
void set_parallel_threads(int threads);
int parallel_threads();

}  // namespace minima

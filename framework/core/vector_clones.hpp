#pragma once
// MINIMA_VECTOR_CLONES, put before a function that holds a hot elementwise
// loop: on x86-64 with GCC the function is compiled twice, for AVX2 and
// for the baseline the binary targets (SSE2), and the loader picks the
// clone the CPU runs (an ifunc). Its loop then takes 8 floats per
// instruction instead of 4 on CPUs with AVX2, and the binary still runs on
// every x86-64. The clones give the same bits: ISO C++ mode contracts no
// a * b + c into an FMA, and each float operation rounds the same either way.
// Elsewhere (Clang: no target_clones on templates yet), or with
// MINIMA_NO_VECTOR_CLONES defined, it is empty.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(MINIMA_NO_VECTOR_CLONES)
#define MINIMA_VECTOR_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define MINIMA_VECTOR_CLONES
#endif

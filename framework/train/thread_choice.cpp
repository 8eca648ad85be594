#include <minima/train/thread_choice.hpp>

#include <algorithm>

#include <minima/core/threads.hpp>

namespace minima {

int64_t dense_macs_per_sample(const Graph& graph) {
  int64_t macs = 0;
  for (size_t i = 0; i < graph.size(); ++i)
    for (const Param* p : graph.layer(i).params())
      if (p->value.shape().rank() == 2)
        macs += p->value.numel();  // a [H, D] weight: D * H per sample
  return macs;
}

int choose_threads(const Graph& graph, int64_t batch) {
  // One more thread per 16M multiply-adds in a forward pass: small steps
  // gain little from a second core and lose much when the host is busy
  // (docs/speed.md has the measurements behind the rule).
  constexpr double kMacsPerThread = 16e6;
  const double macs = double(dense_macs_per_sample(graph)) * double(batch);
  return std::clamp(int(macs / kMacsPerThread), 1, default_threads());
}

}  // namespace minima

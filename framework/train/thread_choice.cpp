#include <minima/train/thread_choice.hpp>

#include <algorithm>

#include <minima/platform/threads.hpp>

namespace minima {

int64_t weight_macs_per_sample(const Graph& graph) {
  int64_t macs = 0;
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& layer = graph.layer(i);
    for (const Param* p : layer.params()) {
      const Shape& out = layer.output_shape();
      if (p->shape.rank() == 2)
        macs += p->shape.numel();  // a [H, D] weight: D * H per sample
      else if (p->shape.rank() == 4 && out.rank() == 3)
        macs += p->shape.numel() * out[1] * out[2];  // [O, C, k, k] at H' W' positions
    }
  }
  return macs;
}

int choose_threads(const Graph& graph, int64_t batch) {
  // One more thread per 16M multiply-adds in a forward pass: small steps
  // gain little from a second core and lose much when the host is busy
  // (docs/speed.md has the measurements behind the rule).
  constexpr double kMacsPerThread = 16e6;
  const double macs = double(weight_macs_per_sample(graph)) * double(batch);
  return std::clamp(int(macs / kMacsPerThread), 1, default_threads());
}

}  // namespace minima

#pragma once
// CrossProcessSums (core/reductions.hpp) over the processes of this run:
// MPI's all-reduce when started by mpirun, else the one process's own sums.
#include <minima/core/reductions.hpp>

namespace minima {

class ProcessSums final : public CrossProcessSums {
 public:
  using CrossProcessSums::CrossProcessSums;

 protected:
  void all_reduce(std::span<double> values) override;
};

}  // namespace minima

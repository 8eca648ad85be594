#include <minima/platform/process_sums.hpp>

#include <minima/platform/processes.hpp>

namespace minima {

void ProcessSums::all_reduce(std::span<double> values) { sum_over_processes(values); }

}  // namespace minima

// A build without MPI: one process, sums are its own values.
#include <minima/platform/processes.hpp>

#include <cstdlib>

namespace minima {

void start_processes(int*, char***) {}
bool built_with_mpi() { return false; }
bool started_by_mpirun() { return false; }
int process_rank() { return 0; }
int process_count() { return 1; }
void sum_over_processes(std::span<float>) {}
void sum_over_processes(std::span<double>) {}
void abort_processes(int status) { std::exit(status); }

}  // namespace minima

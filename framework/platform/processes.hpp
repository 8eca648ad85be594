#pragma once
// The processes of one data-parallel run. `mpirun -np P minima train ...`
// starts P copies of minima; each learns its rank (0 .. P-1) and the count
// P here, and they add arrays element-wise across all of them (one
// MPI_Allreduce). Any other start, or a build without MPI (CMake option
// MINIMA_MPI), is a group of one process, where every sum returns its input.
#include <span>

namespace minima {

// Called first thing in main(): joins the group when started by mpirun
// (MPI_Init), and leaves it at exit. Does nothing otherwise.
void start_processes(int* argc, char*** argv);

// Whether this build can run as several processes (CMake found MPI).
bool built_with_mpi();
// Whether this process is one of a group mpirun started (even of one).
bool started_by_mpirun();

int process_rank();   // 0 .. process_count() - 1; rank 0 writes the run's files
int process_count();  // P

// values[k] = the sum over all processes of their values[k], on every process.
void sum_over_processes(std::span<float> values);
void sum_over_processes(std::span<double> values);

// Ends every process of the run with `status`: an error on one process must
// not leave the others waiting in a sum for ever.
[[noreturn]] void abort_processes(int status);

}  // namespace minima

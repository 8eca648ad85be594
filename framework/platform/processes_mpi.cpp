// A build with MPI (MINIMA_MPI): the processes mpirun started together.
#include <minima/platform/processes.hpp>

#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

#include <mpi.h>

namespace minima {
namespace {

bool joined_mpi = false;
int rank = 0, count = 1;

void finish() { MPI_Finalize(); }

template <class T>
void sum(std::span<T> values, MPI_Datatype type) {
  if (count == 1) return;
  if (values.size() > size_t(std::numeric_limits<int>::max()))
    throw std::length_error("sum_over_processes: more values than one MPI call takes");
  const int status =
      MPI_Allreduce(MPI_IN_PLACE, values.data(), int(values.size()), type, MPI_SUM, MPI_COMM_WORLD);
  if (status != MPI_SUCCESS)
    throw std::runtime_error("MPI_Allreduce failed (error " + std::to_string(status) + ")");
}

}  // namespace

void start_processes(int* argc, char*** argv) {
  if (joined_mpi || !started_by_mpirun()) return;
  MPI_Init(argc, argv);
  joined_mpi = true;
  std::atexit(finish);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &count);
}

bool built_with_mpi() { return true; }

// Open MPI's and MPICH's launchers name the run's size in the environment;
// a minima started otherwise stays a single process and never touches MPI.
bool started_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr;
}
int process_rank() { return rank; }
int process_count() { return count; }
void sum_over_processes(std::span<float> values) { sum(values, MPI_FLOAT); }
void sum_over_processes(std::span<double> values) { sum(values, MPI_DOUBLE); }

void abort_processes(int status) {
  if (joined_mpi && count > 1) MPI_Abort(MPI_COMM_WORLD, status);
  std::exit(status);
}

}  // namespace minima

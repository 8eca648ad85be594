// The `minima` program (cli/app.cpp).
#include "cli/app.hpp"

int main(int argc, char** argv) { return minima::cli::run_minima(argc, argv); }

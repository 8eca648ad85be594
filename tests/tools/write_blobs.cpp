// The tiny comparison of tests/test_install.cmake, for the installed `minima`:
// writes into DIR the two-blob data set of the CLI tests (train_fixture.hpp)
// and base.json, a 16-8-8-10 tanh MLP with BatchNorm trained on it for 40
// steps, evaluated every 10.
//   minima_write_blobs DIR
#include <cstdio>
#include <fstream>

#include "tests/train_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: minima_write_blobs DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  minima::test::write_blobs(dir);
  nlohmann::json base = minima::test::blob_config_json(dir, dir + "/unused");
  base["model"] = {
      {"type", "mlp"}, {"hidden", {8, 8}}, {"activation", "tanh"}, {"batchnorm", true}};
  std::ofstream(dir + "/base.json") << base.dump(2);
  return 0;
}

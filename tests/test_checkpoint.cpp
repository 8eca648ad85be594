#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/core/atomic_file.hpp>
#include <minima/core/rng.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/io/safetensors.hpp>
#include <minima/nn/graph.hpp>
#include "tests/safetensors_reader.hpp"
#include "tests/temp_dir.hpp"

using namespace minima;
using namespace minima::test;
using ordered_json = nlohmann::ordered_json;

namespace {

// dense(3) -> batchnorm -> relu -> dense(2) on 4 features.
Graph make_graph(uint64_t seed, int hidden = 3) {
  Graph g = Graph::from_json(
      json::parse(R"([{"type":"dense","units":)" + std::to_string(hidden) +
                  R"(,"name":"fc1"},{"type":"batchnorm","name":"bn1"},{"type":"relu"},)"
                  R"({"type":"dense","units":2,"name":"fc2"}])"),
      "/model/layers");
  g.build(Shape{4}, seed);
  return g;
}

// Three training-mode forwards, so BatchNorm's running statistics move.
void run_train_forwards(Graph& g) {
  Rng rng(11);
  Tensor x(Shape{5, 4});
  for (int step = 0; step < 3; ++step) {
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = 2.0f * rng.normal() + 0.5f;
    g.forward(x, Mode::Train);
  }
}

Graph make_trained_graph(uint64_t seed = 7) {
  Graph g = make_graph(seed);
  run_train_forwards(g);
  return g;
}

// Every state tensor's values, in state order.
std::vector<std::vector<float>> snapshot(Graph& g) {
  std::vector<std::vector<float>> values;
  for (const StateEntry& s : g.state())
    values.emplace_back(s.tensor->data(), s.tensor->data() + s.tensor->numel());
  return values;
}

std::string load_error(const std::string& path, Graph& g) {
  try {
    load_model(path, g);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE(
    "save_model writes PyTorch state_dict names, dtypes, shapes and values in safetensors layout") {
  TempDir dir("ckpt_layout");
  Graph g = make_trained_graph();
  const std::string path = dir.path("model.safetensors");
  save_model(path, g, {{"epoch", "2"}});

  const ParsedFile f = parse_independently(file_bytes(path));
  CHECK(f.header_length % 8 == 0);
  const size_t json_end = f.header_text.find_last_of('}') + 1;
  CHECK(f.header_text.size() - json_end < 8);
  CHECK(f.header_text.find_first_not_of(' ', json_end) == std::string::npos);

  CHECK(f.header["__metadata__"] == ordered_json({{"epoch", "2"}, {"format", "pt"}}));
  struct Expected {
    const char* name;
    const char* dtype;
    std::vector<int64_t> shape;
  };
  const std::vector<Expected> expected = {
      {"fc1.weight", "F32", {3, 4}},
      {"fc1.bias", "F32", {3}},
      {"bn1.weight", "F32", {3}},
      {"bn1.bias", "F32", {3}},
      {"fc2.weight", "F32", {2, 3}},
      {"fc2.bias", "F32", {2}},
      {"bn1.running_mean", "F32", {3}},
      {"bn1.running_var", "F32", {3}},
      {"bn1.num_batches_tracked", "I64", {}},
  };
  std::vector<std::string> names;
  for (const auto& [key, value] : f.header.items())
    if (key != "__metadata__") names.push_back(key);
  REQUIRE(names.size() == expected.size());

  uint64_t offset = 0;
  for (const Expected& e : expected) {
    CAPTURE(e.name);
    const ordered_json& info = f.header.at(e.name);
    CHECK(info.at("dtype") == e.dtype);
    CHECK(info.at("shape").get<std::vector<int64_t>>() == e.shape);
    const auto offsets = info.at("data_offsets").get<std::vector<uint64_t>>();
    REQUIRE(offsets.size() == 2);
    CHECK(offsets[0] == offset);
    offset = offsets[1];
  }
  CHECK(offset == f.body.size());

  // The raw values match the graph's tensors bit for bit.
  for (const StateEntry& s : g.state()) {
    CAPTURE(s.name);
    const uint64_t begin = f.header.at(s.name).at("data_offsets")[0].get<uint64_t>();
    for (int64_t i = 0; i < s.tensor->numel(); ++i) {
      if (s.integer)
        CHECK(i64_at(f.body, begin + 8 * i) == int64_t((*s.tensor)[i]));
      else
        CHECK(f32_at(f.body, begin + 4 * i) == (*s.tensor)[i]);
    }
  }
  // The values are those of a trained graph, not defaults.
  CHECK(i64_at(f.body,
               f.header.at("bn1.num_batches_tracked").at("data_offsets")[0].get<uint64_t>()) == 3);
  const uint64_t var_begin = f.header.at("bn1.running_var").at("data_offsets")[0].get<uint64_t>();
  CHECK(f32_at(f.body, var_begin) != 1.0f);
  CHECK(f32_at(f.body, var_begin) > 0.0f);
}

TEST_CASE("save_model -> load_model into a fresh graph restores the state bit for bit") {
  TempDir dir("ckpt_round_trip");
  Graph trained = make_trained_graph();
  const std::string path = dir.path("model.safetensors");
  save_model(path, trained);

  Graph fresh = make_graph(99);
  REQUIRE(snapshot(fresh) != snapshot(trained));
  load_model(path, fresh);
  CHECK(snapshot(fresh) == snapshot(trained));

  Tensor x(Shape{2, 4});
  for (int64_t i = 0; i < x.numel(); ++i) x[i] = 0.3f * float(i) - 1.0f;
  const Tensor expected = trained.forward(x, Mode::Eval);
  const Tensor& got = fresh.forward(x, Mode::Eval);
  REQUIRE(got.numel() == expected.numel());
  CHECK(std::memcmp(got.data(), expected.data(), sizeof(float) * size_t(got.numel())) == 0);
}

TEST_CASE(
    "load_model refuses a file that does not match the model, naming the first mismatch, and "
    "changes nothing") {
  TempDir dir("ckpt_refusals");
  Graph trained = make_trained_graph();
  std::vector<TensorEntry> entries;
  for (const StateEntry& s : trained.state())
    entries.push_back(to_entry(s.name, *s.tensor, s.integer));
  const std::string path = dir.path("bad.safetensors");

  Graph target = make_graph(99);
  const auto before = snapshot(target);
  auto refuses = [&](const std::vector<TensorEntry>& file_entries, const std::string& message) {
    save_safetensors(path, file_entries, {{"format", "pt"}});
    CHECK(load_error(path, target) == path + ": " + message);
    CHECK(snapshot(target) == before);
  };

  SUBCASE("missing tensor") {
    std::vector<TensorEntry> without = entries;
    std::erase_if(without, [](const TensorEntry& e) { return e.name == "bn1.running_var"; });
    refuses(without, "missing tensor 'bn1.running_var'");
  }
  SUBCASE("wrong shape") {
    Graph wider = make_graph(7, 5);
    save_model(path, wider);
    CHECK(load_error(path, target) ==
          path + ": tensor 'fc1.weight' has shape [5, 4] but the model expects [3, 4]");
    CHECK(snapshot(target) == before);
  }
  SUBCASE("counter saved as F32") {
    std::vector<TensorEntry> as_float = entries;
    as_float.back() = to_entry("bn1.num_batches_tracked", *trained.state().back().tensor);
    refuses(as_float, "tensor 'bn1.num_batches_tracked' has dtype F32 but the model expects I64");
  }
  SUBCASE("weight saved as I64") {
    std::vector<TensorEntry> as_int = entries;
    as_int[1] = {"fc1.bias", "I64", {3}, std::string(24, '\0')};
    refuses(as_int, "tensor 'fc1.bias' has dtype I64 but the model expects F32");
  }
  SUBCASE("extra tensor") {
    std::vector<TensorEntry> with_extra = entries;
    with_extra.push_back({"fc3.weight", "F32", {1}, std::string(4, '\0')});
    refuses(with_extra,
            "unexpected tensor 'fc3.weight' (the model has no such parameter or buffer)");
  }
}

TEST_CASE("load_model refuses damaged files and changes nothing") {
  TempDir dir("ckpt_damaged");
  Graph trained = make_trained_graph();
  const std::string good_path = dir.path("good.safetensors");
  save_model(good_path, trained);
  const std::string good = file_bytes(good_path);
  const ParsedFile f = parse_independently(good);
  const std::string path = dir.path("bad.safetensors");

  Graph target = make_graph(99);
  const auto before = snapshot(target);
  auto refuses = [&](const std::string& bytes, const std::string& message) {
    write_file_atomically(path, bytes);
    CHECK(load_error(path, target) == path + ": " + message);
    CHECK(snapshot(target) == before);
  };
  const std::string body_size = std::to_string(f.body.size());

  SUBCASE("truncated body") {
    refuses(good.substr(0, good.size() - 4), "tensor 'bn1.num_batches_tracked' ends at data byte " +
                                                 body_size + " but the file holds only " +
                                                 std::to_string(f.body.size() - 4) +
                                                 " data bytes (truncated file?)");
  }
  SUBCASE("header length larger than the file") {
    std::string bytes = good;
    const uint64_t too_long = good.size();
    for (int i = 0; i < 8; ++i) bytes[i] = char((too_long >> (8 * i)) & 0xff);
    refuses(bytes, "header length " + std::to_string(too_long) + " exceeds the " +
                       std::to_string(good.size() - 8) +
                       " bytes after the length prefix (truncated file?)");
  }
  SUBCASE("header not JSON") {
    std::string bytes = good;
    bytes[8 + 1] = '#';  // right after the opening brace
    write_file_atomically(path, bytes);
    CHECK(load_error(path, target).rfind(path + ": header is not valid JSON: parse error", 0) == 0);
    CHECK(snapshot(target) == before);
  }
  SUBCASE("overlapping offsets") {
    ordered_json header = f.header;
    header["fc1.bias"]["data_offsets"] = {44, 56};  // fc1.weight is [0, 48]
    refuses(assemble(header, f.body),
            "tensor 'fc1.bias' starts at data byte 44 but tensor 'fc1.weight' ends at 48 "
            "(tensors must be contiguous, without overlaps or holes)");
  }
  SUBCASE("a hole between tensors") {
    ordered_json header = f.header;
    for (auto& [name, info] : header.items())
      if (name != "__metadata__" && name != "fc1.weight")
        info["data_offsets"] = {info["data_offsets"][0].get<int>() + 4,
                                info["data_offsets"][1].get<int>() + 4};
    refuses(assemble(header, f.body.substr(0, 48) + std::string(4, '\0') + f.body.substr(48)),
            "tensor 'fc1.bias' starts at data byte 52 but tensor 'fc1.weight' ends at 48 "
            "(tensors must be contiguous, without overlaps or holes)");
  }
  SUBCASE("the independent writer's untampered file loads") {
    write_file_atomically(path, assemble(f.header, f.body));
    load_model(path, target);
    CHECK(snapshot(target) == snapshot(trained));
  }
}

TEST_CASE("a failed save_model keeps the previous checkpoint loadable") {
  TempDir dir("ckpt_failed_save");
  const std::string path = dir.path("model.safetensors");
  Graph first = make_graph(7);
  save_model(path, first);
  const std::string old_bytes = file_bytes(path);

  Graph second = make_trained_graph(8);
  testing::fail_writes_after(int64_t(old_bytes.size() / 2));
  CHECK_THROWS_WITH_AS(save_model(path, second),
                       (path + ": cannot write: No space left on device").c_str(),
                       std::runtime_error);
  CHECK(file_bytes(path) == old_bytes);
  CHECK(dir.files() == std::vector<std::string>{"model.safetensors"});
  Graph restored = make_graph(99);
  load_model(path, restored);
  CHECK(snapshot(restored) == snapshot(first));
}

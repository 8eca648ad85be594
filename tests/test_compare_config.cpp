#include <doctest/doctest.h>

#include <fstream>

#include <minima/config/config_object.hpp>
#include <minima/core/format.hpp>
#include <minima/lesson/run_description.hpp>
#include <minima/train/run_config.hpp>
#include "cli/compare/compare_config.hpp"
#include "tests/build_paths.hpp"
#include "tests/support.hpp"
#include "tests/temp_dir.hpp"

using namespace minima;
using namespace minima::cli;
using namespace minima::lesson;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

const char* const kBase = R"({
  "seed": 3,
  "model": {"type": "mlp", "hidden": [100, 100], "activation": "sigmoid", "batchnorm": true},
  "optimizer": {"type": "sgd", "lr": 0.5},
  "train": {"batch_size": 60, "steps": 1000}
})";

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The message of the exception `f` throws.
struct Fixture {
  test::TempDir dir{"compare_config"};
  Fixture() {
    std::filesystem::create_directories(dir.path("configs"));
    write(dir.path("configs/base.json"), kBase);
  }
  // Parses `doc` as if it were <dir>/configs/compare.json.
  CompareConfig parse(const std::string& doc, const std::vector<std::string>& overrides = {}) {
    return parse_compare_config(ordered_json::parse(doc), dir.path("configs/compare.json"),
                                overrides);
  }
};

}  // namespace

TEST_CASE("shell_word: safe words as they are, others single-quoted for a POSIX shell") {
  CHECK(shell_word("configs/compare_paper_fig1.json") == "configs/compare_paper_fig1.json");
  CHECK(shell_word("train.steps=5000") == "train.steps=5000");
  CHECK(shell_word("description=with BN") == "'description=with BN'");
  CHECK(shell_word("it's") == "'it'\\''s'");
  CHECK(shell_word("") == "''");
}

TEST_CASE("slugify: lower-case words joined by dashes") {
  CHECK(slugify("with BN") == "with-bn");
  CHECK(slugify("  without BN, lr=0.5 ") == "without-bn-lr-0-5");
  CHECK(slugify("***") == "");
}

TEST_CASE("compare config: base + variants keeps the written order and applies overrides") {
  Fixture f;
  const CompareConfig c = f.parse(R"({"base": "base.json",
      "variants": {"without BN": {"model.batchnorm": false}, "with BN": {"model.batchnorm": true, "optimizer.lr": 2.0}}})");
  REQUIRE(c.variants.size() == 2);
  const CompareVariant& plain = c.variants[0];
  const CompareVariant& bn = c.variants[1];
  CHECK(plain.name == "without BN");  // not sorted: "with BN" < "without BN"
  CHECK(bn.name == "with BN");
  CHECK(plain.slug == "without-bn");
  CHECK(bn.slug == "with-bn");
  CHECK(plain.config["model"]["batchnorm"] == false);
  CHECK(bn.config["model"]["batchnorm"] == true);
  CHECK(plain.config["optimizer"]["lr"] == 0.5);
  CHECK(bn.config["optimizer"]["lr"] == 2.0);
  CHECK(plain.config["seed"] == 3);
  CHECK(plain.config["description"] == "compare variant 'without BN' (model.batchnorm=false)");
  CHECK(bn.config["model"]["hidden"] == json::array({100, 100}));
  CHECK(plain.source == f.dir.path("configs/base.json"));  // relative to the compare file
  CHECK(plain.baseline == "");
  CHECK(bn.baseline == "without BN");
  CHECK(plain.style.color != bn.style.color);
  CHECK(plain.style.dash != bn.style.dash);
  CHECK(plain.style.marker != bn.style.marker);
  // Defaults.
  CHECK(c.measures["thresholds"] == json{0.90, 0.95, 0.97, 0.98});
  CHECK(c.measures["probe"] == json{{"layer", ""}, {"batch", 1000}});
  CHECK(c.measures["sweep_charts"] == json::object());
  CHECK_FALSE(c.measures.contains("landscape"));
  CHECK(c.output_dir == "runs/compare");
  CHECK(plain.seeds == std::vector<int64_t>{3});  // one run, with the config's own seed
  CHECK(plain.changes == "model.batchnorm=false");
  CHECK(plain.setting == "without BN");
  CHECK(plain.sweep_value.is_null());
  CHECK(c.sweep_key == "");
}

TEST_CASE(
    "compare config: options, --set overrides (applied last), forced seed and eval_every, named "
    "baseline") {
  Fixture f;
  const CompareConfig c = f.parse(R"({"base": "base.json", "description": "BN vs plain",
      "variants": {"with BN": {"optimizer.lr": 5}, "without BN": {"model.batchnorm": false, "seed": 1}},
      "baseline": "without BN",
      "seed": 7, "eval_every": 50, "thresholds": [80, 97.5], "output": "out/x",
      "probe": {"layer": "bn2", "batch": 500}})",
                                  {"train.steps=200", "optimizer.lr=0.1"});
  CHECK(c.description == "BN vs plain");
  CHECK(c.measures["thresholds"] == json{0.80, 0.975});
  CHECK(c.output_dir == "out/x");
  CHECK(c.measures["probe"]["layer"] == "bn2");
  CHECK(c.measures["probe"]["batch"] == 500);
  for (const CompareVariant& v : c.variants) {
    CHECK(v.config["seed"] == 7);
    CHECK(v.config["train"]["eval_every"] == 50);
    CHECK(v.config["train"]["steps"] == 200);
    CHECK(v.config["optimizer"]["lr"] == 0.1);
  }
  CHECK(c.variants[0].baseline == "without BN");
  CHECK(c.variants[1].baseline == "");
}

TEST_CASE(
    "compare config: every run evaluates early (train.eval_early) unless the file or --set says "
    "false") {
  Fixture f;
  const std::string doc =
      R"({"base": "base.json", "variants": {"a": {}, "b": {"train.eval_early": false}}})";
  for (const CompareVariant& v : f.parse(doc).variants)
    CHECK(v.config["train"]["eval_early"] == true);  // the compare file's setting wins
  const std::string off =
      R"({"base": "base.json", "eval_early": false, "variants": {"a": {}, "b": {}}})";
  for (const CompareVariant& v : f.parse(off).variants)
    CHECK(v.config["train"]["eval_early"] == false);
  for (const CompareVariant& v : f.parse(doc, {"train.eval_early=false"}).variants)
    CHECK(v.config["train"]["eval_early"] == false);  // the command line wins over both
  CHECK(parse_run_config(f.parse(doc).variants[0].config, "a.json").train.eval_early);
  const std::string bad = test::exception_message(
      [&] { f.parse(R"({"base": "base.json", "eval_early": 1, "variants": {"a": {}}})"); });
  CHECK(bad.find("/eval_early: expected true or false, got 1") != std::string::npos);
}

TEST_CASE("compare config: a sweep runs every value with every variant, baselines per value") {
  Fixture f;
  const CompareConfig c =
      f.parse(R"({"base": "base.json", "sweep": {"key": "optimizer.lr", "values": [0.1, 2.0, 5]},
      "variants": {"without BN": {"model.batchnorm": false}, "with BN": {}}})");
  REQUIRE(c.variants.size() == 6);
  const std::vector<std::string> names{"without BN, lr=0.1", "with BN, lr=0.1",
                                       "without BN, lr=2.0", "with BN, lr=2.0",
                                       "without BN, lr=5",   "with BN, lr=5"};
  for (size_t i = 0; i < 6; ++i) CHECK(c.variants[i].name == names[i]);
  CHECK(c.variants[3].config["optimizer"]["lr"] == 2.0);
  CHECK(c.variants[3].config["model"]["batchnorm"] == true);
  CHECK(c.variants[4].config["optimizer"]["lr"] == 5);
  CHECK(c.variants[4].config["model"]["batchnorm"] == false);
  CHECK(c.variants[4].slug == "without-bn-lr-5");
  CHECK(c.variants[4].config["description"] ==
        "compare variant 'without BN, lr=5' (optimizer.lr=5, model.batchnorm=false)");
  CHECK(c.sweep_key == "optimizer.lr");
  CHECK(c.variants[4].setting == "without BN");
  CHECK(c.variants[4].sweep_value == 5);
  CHECK(c.variants[0].baseline == "");
  CHECK(c.variants[1].baseline == "without BN, lr=0.1");
  CHECK(c.variants[2].baseline == "");
  CHECK(c.variants[5].baseline == "without BN, lr=5");
  // Colour tells the variant, dash the value.
  CHECK(c.variants[1].style.color == c.variants[5].style.color);
  CHECK(c.variants[1].style.dash != c.variants[5].style.dash);
  CHECK(c.variants[4].style.dash == c.variants[5].style.dash);
}

TEST_CASE("compare config: a sweep of one setup compares every value with the first") {
  Fixture f;
  const CompareConfig c = f.parse(
      R"({"base": "base.json", "sweep": {"key": "optimizer.type", "values": ["sgd", "adam"]}})");
  REQUIRE(c.variants.size() == 2);
  CHECK(c.variants[0].name == "type=sgd");
  CHECK(c.variants[1].name == "type=adam");
  CHECK(c.variants[1].config["optimizer"]["type"] == "adam");
  CHECK(c.variants[1].baseline == "type=sgd");
  CHECK(c.variants[0].style.color != c.variants[1].style.color);
}

TEST_CASE("compare config: a list of config files, named by their stems") {
  Fixture f;
  write(f.dir.path("configs/other.json"), R"({"seed": 9, "model": {"type": "mlp"}})");
  const CompareConfig c =
      f.parse(R"({"configs": ["base.json", "other.json"], "baseline": "other"})");
  REQUIRE(c.variants.size() == 2);
  CHECK(c.variants[0].name == "base");
  CHECK(c.variants[1].name == "other");
  CHECK(c.variants[1].config["seed"] == 9);
  CHECK(c.variants[1].source == f.dir.path("configs/other.json"));
  CHECK(c.variants[0].baseline == "other");
  CHECK(c.variants[1].baseline == "");
}

TEST_CASE("compare config: bad keys and values are errors naming the JSON pointer") {
  Fixture f;
  auto error = [&](const std::string& doc) {
    return test::exception_message([&] { f.parse(doc); });
  };
  // An override path through a key the base config does not have.
  const std::string bad_path =
      error(R"({"base": "base.json", "variants": {"with BN": {"modle.batchnorm": true}}})");
  CHECK(bad_path.find("/variants/with BN/modle.batchnorm") != std::string::npos);
  CHECK(bad_path.find("/modle") != std::string::npos);
  CHECK(bad_path.find("base.json") != std::string::npos);
  // A key with a slash is escaped in the pointer (RFC 6901).
  CHECK(error(R"({"base": "base.json", "variants": {"a/b": {"x.y": 1}}})")
            .find("/variants/a~1b/x.y") != std::string::npos);
  CHECK(error(R"({"base": "base.json", "variants": {"v": {"model.hidden.5": 1}}})")
            .find("/model/hidden/5") != std::string::npos);
  CHECK(error(R"({"base": "base.json", "variants": {"v": false}})")
            .find("/variants/v: expected an object") != std::string::npos);
  CHECK(error(R"({"base": "base.json", "varaints": {}})").find("/variants") != std::string::npos);
  CHECK(error(R"({"base": "base.json", "variants": {"v": {}}, "varaints": {}})")
            .find("/varaints: unknown key") != std::string::npos);
  // The measurements' keys are among those the message lists.
  CHECK(
      error(R"({"base": "base.json", "variants": {"v": {}}, "telemetri": {}})").find("telemetry") !=
      std::string::npos);
  CHECK(error(R"({"base": "base.json", "configs": ["base.json"], "variants": {"v": {}}})")
            .find("/configs: expected exactly one") != std::string::npos);
  CHECK(error(R"({"variants": {"v": {}}})").find("/base: expected exactly one") !=
        std::string::npos);
  CHECK(error(R"({"base": "base.json", "variants": {"v": {}}, "thresholds": [90, 150]})")
            .find("/thresholds") != std::string::npos);
  CHECK(error(R"({"base": "base.json", "variants": {"v": {}}, "probe": {"layr": "bn1"}})")
            .find("/probe/layr: unknown key") != std::string::npos);
  CHECK(error(R"({"base": "base.json", "variants": {"v": {}}, "probe": {"unit": 1}})")
            .find("/probe/unit: unknown key") != std::string::npos);
  for (const char* seeds : {"0", "[]", "[1, 1]", "[-1]", "\"3\"", "1001"})
    CHECK(error(std::string(R"({"base": "base.json", "variants": {"v": {}}, "seeds": )") + seeds +
                "}")
              .find("/seeds: expected a number of seeds (1 to 1000) or a list of distinct seeds") !=
          std::string::npos);
  CHECK(error(R"({"base": "base.json", "variants": {"v": {}}, "baseline": "w"})")
            .find("/baseline: no variant named 'w' (variants: v)") != std::string::npos);
  CHECK(error(R"({"base": "base.json", "sweep": {"key": "optimizer.momentum.x", "values": [1]}})")
            .find("/sweep/key") != std::string::npos);
  CHECK(error(R"({"base": "base.json", "sweep": {"key": "optimizer.lr", "values": []}})")
            .find("/sweep/values") != std::string::npos);
  CHECK(error(R"({"configs": ["base.json", "base.json"]})")
            .find("/configs/1: two configs named base") != std::string::npos);
  CHECK(error(R"({"base": "missing.json", "variants": {"v": {}}})").find("missing.json") !=
        std::string::npos);
  // --set overrides name the flag.
  const std::string bad_set = test::exception_message(
      [&] { f.parse(R"({"base": "base.json", "variants": {"v": {}}})", {"nope.x=1"}); });
  CHECK(bad_set.find("--set nope.x=1") != std::string::npos);
  CHECK(bad_set.find("/nope") != std::string::npos);
}

TEST_CASE("load_compare_config: errors name the file, invalid JSON names line and column") {
  Fixture f;
  write(f.dir.path("configs/bad_key.json"),
        R"({"base": "base.json", "variants": {"v": {}}, "sed": 1})");
  const std::string e =
      test::exception_message([&] { load_compare_config(f.dir.path("configs/bad_key.json")); });
  CHECK(e.rfind(f.dir.path("configs/bad_key.json") + ": /sed: unknown key", 0) == 0);
  write(f.dir.path("configs/bad_json.json"), "{\"base\": \"base.json\",\n \"variants\": {,}}");
  const std::string syntax =
      test::exception_message([&] { load_compare_config(f.dir.path("configs/bad_json.json")); });
  CHECK(syntax.find("bad_json.json") != std::string::npos);
  CHECK(syntax.find("line 2") != std::string::npos);
  write(f.dir.path("configs/good.json"),
        R"({"base": "base.json", "variants": {"v": {"optimizer.lr": 1}}})");
  const CompareConfig c = load_compare_config(f.dir.path("configs/good.json"));
  CHECK(c.variants.at(0).config["optimizer"]["lr"] == 1);
  CHECK(c.output_dir == "runs/good");
}

TEST_CASE("shipped compare configs: every variant is a valid run config") {
  const std::string dir = minima::test::source_dir() + "/configs";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("compare_")) continue;
    ++files;
    INFO(name);
    const CompareConfig c = load_compare_config(entry.path().string());
    CHECK(c.variants.size() >= 2);
    CHECK_FALSE(c.description.empty());
    for (const CompareVariant& v : c.variants) {
      CHECK_NOTHROW(parse_run_config(v.config, v.source));
      if (!v.baseline.empty()) CHECK(v.config["seed"] == c.variants[0].config["seed"]);
    }
  }
  CHECK(files == 12);
}

TEST_CASE("compare config: \"seeds\" counts from each run's seed, or lists the seeds") {
  Fixture f;
  const CompareConfig counted = f.parse(R"({"base": "base.json", "seeds": 3,
      "variants": {"without BN": {"model.batchnorm": false}, "with BN": {}}})");
  for (const CompareVariant& v : counted.variants) CHECK(v.seeds == std::vector<int64_t>{3, 4, 5});
  // The compare file's "seed" (and --set seed=...) move the start.
  const CompareConfig moved = f.parse(R"({"base": "base.json", "seeds": 2, "seed": 10,
      "variants": {"v": {}}})");
  CHECK(moved.variants[0].seeds == std::vector<int64_t>{10, 11});
  CHECK(f.parse(R"({"base": "base.json", "seeds": 2, "variants": {"v": {}}})", {"seed=20"})
            .variants[0]
            .seeds == std::vector<int64_t>{20, 21});
  const CompareConfig listed =
      f.parse(R"({"base": "base.json", "seeds": [0, 7, 9], "variants": {"v": {}, "w": {}}})");
  for (const CompareVariant& v : listed.variants) CHECK(v.seeds == std::vector<int64_t>{0, 7, 9});
}

TEST_CASE(
    "compare config: a variant's own description replaces the base's, its changes are listed") {
  Fixture f;
  const CompareConfig c = f.parse(R"({"base": "base.json", "variants": {
      "plain": {"model.batchnorm": false, "description": "no BN at all"}, "bn": {}}})");
  CHECK(c.variants[0].config["description"] == "no BN at all");
  CHECK(c.variants[0].changes == "model.batchnorm=false");
  CHECK(c.variants[1].changes == "");
}

TEST_CASE("describe_run: what a run config trains, in one line from its settings") {
  CHECK(describe_run(json::parse(kBase)) ==
        "mlp 100-100 sigmoid, BN; sgd lr 0.5; batch 60; 1000 steps");
  json plain = json::parse(kBase);
  plain["model"]["batchnorm"] = false;
  plain["optimizer"]["momentum"] = 0.9;
  plain["train"] = {{"batch_size", 32}, {"epochs", 3}};
  CHECK(describe_run(plain) ==
        "mlp 100-100 sigmoid, no BN; sgd lr 0.5 momentum 0.9; batch 32; 3 epochs");
  CHECK(describe_run({{"model", {{"layers", json::array({1, 2, 3})}}}}) == "3 layers");
  CHECK(describe_run(json::object()) == "");
}

TEST_CASE("uses_batchnorm: a builder's true or BN settings, or a batchnorm layer") {
  json config = json::parse(kBase);
  CHECK(uses_batchnorm(config));
  config["model"]["batchnorm"] = {{"sync", true}};
  CHECK(uses_batchnorm(config));
  CHECK(describe_run(config).find(", BN;") != std::string::npos);
  config["model"]["batchnorm"] = false;
  CHECK_FALSE(uses_batchnorm(config));
  CHECK(uses_batchnorm({{"model", {{"layers", {{{"type", "batchnorm"}}}}}}}));
  CHECK_FALSE(uses_batchnorm({{"model", {{"layers", {{{"type", "dense"}}}}}}}));
}

TEST_CASE("compare config: \"landscape\" turns the measures on, with strict keys") {
  Fixture f;
  const CompareConfig off = f.parse(R"({"base": "base.json", "variants": {"v": {}}})");
  CHECK_FALSE(off.measures.contains("landscape"));
  const CompareConfig defaults =
      f.parse(R"({"base": "base.json", "variants": {"v": {}}, "landscape": {}})");
  const json& on = defaults.measures["landscape"];
  CHECK(on["every"] == 100);
  CHECK(on["batch"] == 0);
  CHECK(on["step_sizes"].size() == 7);
  const CompareConfig set = f.parse(R"({"base": "base.json", "variants": {"v": {}},
      "landscape": {"every": 0, "batch": 100, "step_sizes": [0.5, 2]}})");
  CHECK(set.measures["landscape"] == json{{"every", 0}, {"batch", 100}, {"step_sizes", {0.5, 2}}});
  auto error = [&](const std::string& landscape) {
    return test::exception_message([&] {
      f.parse(R"({"base": "base.json", "variants": {"v": {}}, "landscape": )" + landscape + "}");
    });
  };
  CHECK(error(R"({"evry": 10})").find("/landscape/evry: unknown key") != std::string::npos);
  CHECK(error(R"({"every": -1})").find("/landscape/every") != std::string::npos);
  CHECK(error(R"({"batch": -5})").find("/landscape/batch") != std::string::npos);
  CHECK(error(R"({"step_sizes": []})").find("/landscape/step_sizes") != std::string::npos);
  CHECK(error(R"({"step_sizes": [1, 0]})").find("/landscape/step_sizes") != std::string::npos);
  CHECK(error(R"({"step_sizes": "big"})").find("/landscape/step_sizes") != std::string::npos);
  CHECK(error("true").find("/landscape") != std::string::npos);
}

TEST_CASE("compare config: \"samples\" gives every run as many samples, whatever its batch") {
  Fixture f;
  const CompareConfig c = f.parse(R"({"base": "base.json",
      "sweep": {"key": "train.batch_size", "values": [2, 60, 256]}, "variants": {"v": {}},
      "samples": {"total": 6000, "eval_every": 600}, "train_mode_accuracy": true})");
  REQUIRE(c.variants.size() == 3);
  CHECK(c.measures.contains("train_mode_accuracy"));
  CHECK(c.variants[0].config["train"]["steps"] == 3000);
  CHECK(c.variants[0].config["train"]["eval_every"] == 300);
  CHECK(c.variants[1].config["train"]["steps"] == 100);
  CHECK(c.variants[1].config["train"]["eval_every"] == 10);
  CHECK(c.variants[2].config["train"]["steps"] == 24);      // ceil(6000 / 256)
  CHECK(c.variants[2].config["train"]["eval_every"] == 2);  // round(600 / 256)
  CHECK_FALSE(f.parse(R"({"base": "base.json", "variants": {"v": {}}})")
                  .measures.contains("train_mode_accuracy"));
  auto error = [&](const std::string& samples) {
    return test::exception_message([&] {
      f.parse(R"({"base": "base.json", "variants": {"v": {}}, "samples": )" + samples + "}");
    });
  };
  CHECK(error(R"({"eval_every": 10})").find("/samples/total") != std::string::npos);
  CHECK(error(R"({"total": 0})").find("/samples/total") != std::string::npos);
  CHECK(error(R"({"total": 100, "eval_every": 200})").find("/samples/eval_every") !=
        std::string::npos);
  CHECK(error(R"({"total": 100, "every": 10})").find("/samples/every: unknown key") !=
        std::string::npos);
}

// The hidden-unit probe of `minima compare`, and the command end to end on
// the two-blob IDX set.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <sys/wait.h>

#include <minima/core/atomic_file.hpp>
#include <minima/lesson/compare_page.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/probes/probe_report.hpp>
#include <minima/lesson/probes/probes.hpp>
#include <minima/lesson/thresholds/threshold_table.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/train/trainer.hpp>
#include "tests/build_paths.hpp"
#include "tests/cli_runner.hpp"
#include "tests/compare_fixtures.hpp"
#include "tests/support.hpp"
#include "tests/train_fixture.hpp"
#include "tests/xml_check.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

Graph mlp(bool batchnorm) {
  json layers = json::array();
  for (int k = 1; k <= 2; ++k) {
    layers.push_back({{"type", "dense"}, {"name", "fc" + std::to_string(k)}, {"units", 4}});
    if (batchnorm) layers.push_back({{"type", "batchnorm"}, {"name", "bn" + std::to_string(k)}});
    layers.push_back({{"type", "sigmoid"}, {"name", "sigmoid" + std::to_string(k)}});
  }
  layers.push_back({{"type", "dense"}, {"name", "out"}, {"units", 3}});
  Graph g = Graph::from_json(layers, "/model/layers");
  g.build(Shape{5}, 1);
  return g;
}

// Runs the CLI with `args`; returns its exit status, its output in `output`.
int run_cli(const std::string& args, const std::string& output_file, std::string& output) {
  const int status =
      std::system((minima::test::cli() + " " + args + " >'" + output_file + "' 2>&1").c_str());
  output = read_file(output_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The two-blob data set in `tmp` and base.json: a small sigmoid MLP with BN on it.
void write_sigmoid_bn_base(const test::TempDir& tmp) {
  test::write_blobs(tmp.path());
  json base = test::blob_config_json(tmp.path(), "unused");
  base["model"] = {
      {"type", "mlp"}, {"hidden", {8, 8}}, {"activation", "sigmoid"}, {"batchnorm", true}};
  write_file_atomically(tmp.path("base.json"), base.dump());
}

}  // namespace

TEST_CASE(
    "resolve_probes: by default the input of every hidden activation, after BN where there is "
    "one") {
  const std::vector<ProbeTarget> with_bn = resolve_probes(mlp(true), {});
  REQUIRE(with_bn.size() == 2);
  CHECK(with_bn[0].name == "bn1");
  CHECK(with_bn[1].name == "bn2");
  CHECK(with_bn[1].label == "input to sigmoid2 (bn2)");
  const std::vector<ProbeTarget> plain = resolve_probes(mlp(false), {"", 100});
  REQUIRE(plain.size() == 2);
  CHECK(plain[0].label == "input to sigmoid1 (fc1)");
  Graph g = mlp(true);
  const std::vector<ProbeTarget> named = resolve_probes(g, {"fc1", 100});
  REQUIRE(named.size() == 1);
  CHECK(&g.layer(named[0].layer) == g.find("fc1"));
  CHECK(named[0].label == "fc1 output");
}

TEST_CASE("resolve_probes: unknown layers and models without hidden activations") {
  CHECK(test::exception_message([] {
          resolve_probes(mlp(true), {"bn9", 10});
        }) ==
        "/probe/layer: no layer named 'bn9' (layers: fc1, bn1, sigmoid1, fc2, bn2, sigmoid2, out)");
  Graph linear =
      Graph::from_json(json::array({{{"type", "dense"}, {"units", 2}}}), "/model/layers");
  linear.build(Shape{3}, 0);
  CHECK(test::exception_message([&] {
          resolve_probes(linear, {});
        }).find("/probe/layer: the model has no hidden relu, sigmoid or tanh") == 0);
}

TEST_CASE("probe_units: 15th/50th/85th percentiles of every unit over the batch, in eval mode") {
  Graph g = Graph::from_json(
      json::array({{{"type", "relu"}, {"name", "r"}}, {{"type", "dense"}, {"units", 2}}}),
      "/model/layers");
  g.build(Shape{2}, 0);
  Tensor x(Shape{5, 2});
  for (int64_t i = 0; i < 5; ++i) {
    x.at(i, 0) = 100.0f;
    x.at(i, 1) = float(i) - 1.0f;  // -1, 0, 1, 2, 3 -> relu 0, 0, 1, 2, 3
  }
  std::vector<LayerTraces> traces;
  probe_units(g, x, {{0, "r", ""}}, 42, traces);
  probe_units(g, x, {{0, "r", ""}}, 50, traces);
  REQUIRE(traces.size() == 1);
  REQUIRE(traces[0].size() == 2);     // two units
  REQUIRE(traces[0][1].size() == 2);  // two probe points
  CHECK(traces[0][0][0].p50 == doctest::Approx(100.0));
  const ProbePoint& p = traces[0][1][1];
  CHECK(p.step == 50);
  CHECK(p.p15 == doctest::Approx(0.0));  // position 0.6 between 0 and 0
  CHECK(p.p50 == doctest::Approx(1.0));
  CHECK(p.p85 == doctest::Approx(2.4));  // position 3.4 between 2 and 3
}

TEST_CASE("probe_units: after a convolution a unit is a channel, over its N H W values") {
  Graph g = test::two_channel_net("sigmoid", {1, 0}, {-2, 10});
  const std::vector<ProbeTarget> targets = resolve_probes(g, {});
  REQUIRE(targets.size() == 1);
  CHECK(targets[0].name == "conv1");
  CHECK(targets[0].unit == "channel");
  CHECK(resolve_probes(mlp(true), {})[0].unit == "unit");
  CHECK(resolve_probes(g, {"out", 2})[0].unit == "unit");
  Tensor x(Shape{2, 1, 2, 2});
  for (int64_t k = 0; k < 8; ++k) x[k] = float(k);  // sample 0: 0..3, sample 1: 4..7
  std::vector<LayerTraces> traces;
  probe_units(g, x, targets, 7, traces);
  // One trace per channel (not one per pixel: 8), over its 2 x 2 x 2 = 8 values.
  REQUIRE(traces.size() == 1);
  REQUIRE(traces[0].size() == 2);
  // Channel 0: 0, 1, ..., 7; percentile q at position q/100 * 7.
  const ProbePoint& c0 = traces[0][0].at(0);
  CHECK(c0.step == 7);
  CHECK(c0.p15 == doctest::Approx(1.05));
  CHECK(c0.p50 == doctest::Approx(3.5));
  CHECK(c0.p85 == doctest::Approx(5.95));
  // Channel 1: 10 - 2 x = -4, -2, ..., 10.
  const ProbePoint& c1 = traces[0][1].at(0);
  CHECK(c1.p15 == doctest::Approx(-1.9));
  CHECK(c1.p50 == doctest::Approx(3.0));
  CHECK(c1.p85 == doctest::Approx(7.9));
}

TEST_CASE("unit_layout: a feature vector is units, an image [C, H, W] is C channels") {
  const UnitLayout dense = unit_layout(Shape{84});
  CHECK(dense.units == 84);
  CHECK(dense.positions == 1);
  CHECK(dense.word == "unit");
  const UnitLayout image = unit_layout(Shape{6, 28, 28});
  CHECK(image.units == 6);
  CHECK(image.positions == 784);
  CHECK(image.word == "channel");
}

TEST_CASE("is_log_probe_step: 0, then 1, 2 and 5 times each power of ten from 10") {
  std::vector<int64_t> steps;
  for (int64_t s = 0; s <= 20000; ++s)
    if (is_log_probe_step(s)) steps.push_back(s);
  CHECK(steps ==
        std::vector<int64_t>{0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000});
}

TEST_CASE("probing after every step leaves the run as it was: same metrics and weights") {
  test::TempDir tmp("probe_no_effect");
  const json config = test::run_unwatched(tmp, "probed");
  TrainerOptions options;
  int probes = 0;
  Tensor x(Shape{16, 16});
  for (int64_t k = 0; k < x.numel(); ++k) x[k] = float(k % 7) / 7;
  std::vector<ProbeTarget> targets;
  std::vector<LayerTraces> traces;
  options.after_step = [&](Trainer& t) {
    if (targets.empty()) targets = resolve_probes(t.model(), {});
    probe_units(t.model(), x, targets, t.step(), traces);
    ++probes;
  };
  Trainer probed(parse_run_config(config, "blob"), options);
  probed.run();
  CHECK(probes == 40);
  CHECK(traces.size() == 2);
  CHECK(test::metrics_without_seconds(tmp.path("plain/metrics.csv")) ==
        test::metrics_without_seconds(tmp.path("probed/metrics.csv")));
  CHECK(read_file(tmp.path("plain/model.safetensors")) ==
        read_file(tmp.path("probed/model.safetensors")));
  CHECK(probed.train_seconds() > 0);
}

TEST_CASE(
    "minima compare: every run also evaluates at steps 10, 20, ... below its first evaluation, "
    "\"eval_early\": false turns that off") {
  test::TempDir tmp("compare_early");
  write_sigmoid_bn_base(tmp);
  auto run = [&](const std::string& name, const std::string& early) {
    write_file_atomically(
        tmp.path(name + ".json"),
        R"({"base": "base.json", "variants": {"with BN": {}}, "eval_every": 30)" + early + "}");
    std::string output;
    REQUIRE(run_cli("compare " + tmp.path(name + ".json") + " --quiet --out " + tmp.path(name),
                    tmp.path(name + ".txt"), output) == 0);
    return test::metrics_without_seconds(tmp.path(name + "/with-bn/seed-7/metrics.csv"));
  };
  const auto early = run("early", "");
  const auto regular = run("regular", R"(, "eval_early": false)");
  REQUIRE(early.size() == 5);  // header + steps 10, 20, 30, 40
  CHECK(early[1].rfind("10,", 0) == 0);
  CHECK(early[2].rfind("20,", 0) == 0);
  REQUIRE(regular.size() == 3);  // header + steps 30, 40
  // The early evaluations leave the training as it was (the training
  // statistics of the step-30 row start after step 20, so that row differs).
  CHECK(early[4] == regular[2]);
  const std::string probe = read_file(tmp.path("early/with-bn/seed-7/probe.csv"));
  CHECK(test::count_of(probe, "\n") == 1 + 5 * 2 * 8);  // steps 0, 10, 20, 30, 40, once each
  CHECK(read_file(tmp.path("early/report.html"))
            .find("before training and at steps 10 and 20, then every 30 steps.") !=
        std::string::npos);
  CHECK(read_file(tmp.path("regular/report.html")).find("before training and every 30 steps.") !=
        std::string::npos);
}

TEST_CASE(
    "minima compare: trains each variant, writes metrics, probe values, report and PNG, prints the "
    "table") {
  test::TempDir tmp("compare_cli");
  write_sigmoid_bn_base(tmp);
  write_file_atomically(tmp.path("cmp.json"),
                        R"({"description": "blobs <with> & without BN", "base": "base.json",
      "variants": {"without BN": {"model.batchnorm": false}, "with BN": {}},
      "thresholds": [60, 90], "probe": {"batch": 32}, "seeds": [7, 8]})");
  std::string output;
  const int status = run_cli("compare " + tmp.path("cmp.json") + " --quiet --out " +
                                 tmp.path("out") + " --png " + tmp.path("acc.png"),
                             tmp.path("log.txt"), output);
  INFO(output);
  REQUIRE(status == 0);
  CHECK(output.rfind("run ", 0) == 0);
  CHECK(output.find("\u226560%") < output.find("\u226590%"));
  CHECK(output.find("\nwithout BN ") < output.find("\nwith BN "));
  CHECK(output.find("  speed-up vs without BN") != std::string::npos);
  CHECK(output.find("report: " + tmp.path("out/report.html")) != std::string::npos);

  for (const char* run : {"without-bn/seed-7", "with-bn/seed-7", "with-bn/seed-8"}) {
    const std::string dir = tmp.path("out/") + run;
    CHECK(test::metrics_without_seconds(dir + "/metrics.csv").size() ==
          5);  // header + steps 10, 20, 30, 40
    const std::string probe = read_file(dir + "/probe.csv");
    CHECK(probe.rfind("step,layer,unit,p15,p50,p85\n0,", 0) == 0);
    // header + steps 0, 10, 20, 30, 40 for 2 layers of 8 units
    CHECK(test::count_of(probe, "\n") == 1 + 5 * 2 * 8);
    CHECK(std::filesystem::exists(dir + "/model.safetensors"));
  }
  CHECK(read_file(tmp.path("out/with-bn/seed-7/config.json")).find("\"bn2\"") != std::string::npos);
  CHECK(read_file(tmp.path("out/without-bn/seed-8/config.json")).find("\"bn") == std::string::npos);
  CHECK(read_file(tmp.path("out/with-bn/seed-8/config.json")).find("\"seed\": 8") !=
        std::string::npos);
  // Seeds 7 and 8 differ; the same seed in both variants shares the data order.
  CHECK(test::metrics_without_seconds(tmp.path("out/with-bn/seed-7/metrics.csv")) !=
        test::metrics_without_seconds(tmp.path("out/with-bn/seed-8/metrics.csv")));

  const CompareSummary summary =
      summary_from_json(nlohmann::json::parse(read_file(tmp.path("out/summary.json"))));
  REQUIRE(summary.variants.size() == 2);
  REQUIRE(summary.variants[1].seeds.size() == 2);
  CHECK(summary.variants[1].seeds[1].seed == 8);
  CHECK(summary.variants[1].seeds[1].accuracy.front().step == 0);  // evaluated before training
  CHECK(summary.variants[1].seeds[1].accuracy.size() == 5);
  CHECK(probe_results(summary.variants[1])[1].drift.size() == 2);
  CHECK(summary.variants[1].seeds[1].ms_per_step > 0);
  CHECK(probe_results(summary.variants[1])[1].layers[1] == "input to sigmoid2 (bn2)");
  CHECK(probe_results(summary.variants[0])[1].layers[1] == "input to sigmoid2 (fc2)");
  // The printed table is made from the same summary.
  CHECK(output.find(format_text_table(results_table(summary))) != std::string::npos);
  CHECK(output.find(format_text_table(drift_table(summary))) != std::string::npos);

  const std::string report = read_file(tmp.path("out/report.html"));
  CHECK(test::xmllint_status(tmp.path("out/report.html")) == 0);
  CHECK(report == compare_report_html(summary));
  CHECK(test::count_of(report, "<svg ") == 4);  // accuracy, loss, two probe charts
  CHECK(report.find("<h1>blobs &lt;with&gt; &amp; without BN</h1>") != std::string::npos);
  CHECK(report.find("Every variant runs with seeds 7, 8") != std::string::npos);
  CHECK(report.find("over a fixed batch of 32 test inputs") != std::string::npos);
  // Every chart: its data and the command that reproduces it.
  CHECK(summary.command == "minima compare " + tmp.path("cmp.json"));
  CHECK(test::count_of(report, "made by <code>minima compare " + tmp.path("cmp.json") +
                                   "</code>") == test::count_of(report, "<svg "));
  CHECK(report.find("<p>without BN: mlp 8-8 sigmoid, no BN; sgd lr 0.1 momentum 0.9; batch 16; 40 "
                    "steps (changed from the base: model.batchnorm=false).</p>") !=
        std::string::npos);
  CHECK(report.find("<script") == std::string::npos);
  CHECK(read_file(tmp.path("acc.png")).rfind("\x89PNG\r\n", 0) == 0);
}

TEST_CASE(
    "minima compare: a bad variant or probe fails before any training, naming the variant and "
    "pointer") {
  test::TempDir tmp("compare_cli_errors");
  test::write_blobs(tmp.path());
  write_file_atomically(tmp.path("base.json"), test::blob_config_json(tmp.path(), "unused").dump());
  write_file_atomically(
      tmp.path("bad_value.json"),
      R"({"base": "base.json", "variants": {"plain": {}, "typo": {"optimizer.lrr": 1}}})");
  std::string output;
  CHECK(run_cli("compare " + tmp.path("bad_value.json") + " --out " + tmp.path("out"),
                tmp.path("log.txt"), output) == 1);
  CHECK(output.find("minima compare: error: variant 'typo' (" + tmp.path("base.json") +
                    "): /optimizer/lrr") == 0);
  CHECK_FALSE(std::filesystem::exists(tmp.path("out")));

  write_file_atomically(
      tmp.path("bad_probe.json"),
      R"({"base": "base.json", "variants": {"plain": {}}, "probe": {"layer": "bn7"}})");
  CHECK(run_cli("compare " + tmp.path("bad_probe.json") + " --out " + tmp.path("out"),
                tmp.path("log.txt"), output) == 1);
  CHECK(output.find("/probe/layer: no layer named 'bn7' (layers: fc1, bn1, relu1, fc2)") !=
        std::string::npos);

  CHECK(run_cli("compare", tmp.path("log.txt"), output) == 2);
  CHECK(output.find("expected a COMPARE_CONFIG file") != std::string::npos);
}

TEST_CASE(
    "minima compare: one after the other, Ctrl-C stops the current run and leaves a report of what "
    "finished") {
  test::TempDir tmp("compare_cli_interrupt");
  test::write_blobs(tmp.path());
  write_file_atomically(tmp.path("base.json"),
                        test::blob_config_json(tmp.path(), "unused",
                                               {{"train", {{"steps", 1000000}, {"eval_every", 5}}}})
                            .dump());
  write_file_atomically(tmp.path("cmp.json"),
                        R"({"base": "base.json", "variants": {"first": {}, "second": {}}})");
  // SIGINT once the first run has evaluated (not after a fixed time: a
  // loaded machine may not have reached the first step by then).
  test::CliProcess compare(
      {"compare", tmp.path("cmp.json"), "--quiet", "--jobs", "1", "--out", tmp.path("out")});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(tmp.path("out/first/seed-7/probe.csv")) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  compare.kill(SIGINT);
  const test::CliResult result = compare.wait();
  const std::string output = result.out + result.err;
  INFO(output);
  CHECK(result.exit_code == 130);
  CHECK(output.find("minima compare: Stopped early (Ctrl-C) during 'first' at step ") !=
        std::string::npos);
  const std::string report = read_file(tmp.path("out/report.html"));
  CHECK(test::xmllint_status(tmp.path("out/report.html")) == 0);
  CHECK(report.find("Stopped early (Ctrl-C) during &#39;first&#39;") != std::string::npos);
  CHECK(report.find("(stopped)</td>") != std::string::npos);
  CHECK(report.find(">second<") == std::string::npos);  // never started
  CHECK_FALSE(std::filesystem::exists(tmp.path("out/second")));
}

TEST_CASE(
    "minima compare: side by side (--jobs 2) writes the same metrics and probes as --jobs 1") {
  test::TempDir tmp("compare_cli_jobs");
  write_sigmoid_bn_base(tmp);
  write_file_atomically(tmp.path("cmp.json"), R"({"base": "base.json",
      "variants": {"without BN": {"model.batchnorm": false}, "with BN": {}, "lr half":
      {"optimizer.lr": 0.5}}, "probe": {"batch": 32}})");
  std::string one, two;
  REQUIRE(run_cli("compare " + tmp.path("cmp.json") + " --jobs 1 --out " + tmp.path("one"),
                  tmp.path("one.txt"), one) == 0);
  REQUIRE(run_cli("compare " + tmp.path("cmp.json") + " --jobs 2 --out " + tmp.path("two"),
                  tmp.path("two.txt"), two) == 0);
  INFO(two);
  for (const char* slug : {"without-bn", "with-bn", "lr-half"}) {
    const std::string a = tmp.path("one/") + slug + "/seed-7",
                      b = tmp.path("two/") + slug + "/seed-7";
    CHECK(test::metrics_without_seconds(a + "/metrics.csv").size() == 5);
    CHECK(test::metrics_without_seconds(a + "/metrics.csv") ==
          test::metrics_without_seconds(b + "/metrics.csv"));
    CHECK(read_file(a + "/probe.csv") == read_file(b + "/probe.csv"));
    CHECK(read_file(a + "/model.safetensors") == read_file(b + "/model.safetensors"));
  }
  // Side by side, each evaluation is one line named by its variant.
  CHECK(two.find("[with BN] step 40/40 ") != std::string::npos);
  CHECK(two.find("[without BN] step 10/40 ") != std::string::npos);
  CHECK(one.find("[with BN] step") == std::string::npos);
  CHECK(two.find("\nwithout BN ") < two.find("\nwith BN "));  // the table keeps the config's order
}

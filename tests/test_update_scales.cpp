// The update:data and gradient:data ratios (framework/lesson/update_scales/):
// the ratios on tensors with known answers, the recorder against an
// independent computation on a short run, its config, its tables,
// sentences and charts on made-up summaries, and `minima compare` with it
// on, which trains exactly as without.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <memory>

#include <minima/config/config_object.hpp>
#include <minima/core/atomic_file.hpp>
#include <minima/lesson/compare_page.hpp>
#include <minima/lesson/measurement.hpp>
#include <minima/lesson/update_scales/update_scales.hpp>
#include <minima/lesson/update_scales/update_scales_report.hpp>
#include <minima/lesson/update_scales/update_scales_sentences.hpp>
#include <minima/lesson/update_scales/update_scales_summary.hpp>
#include "tests/cli_runner.hpp"
#include "tests/compare_fixtures.hpp"
#include "tests/train_fixture.hpp"
#include "tests/xml_check.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

const Measurement& update_scales_measurement() {
  const MeasurementEntry* entry = measurement_registry().find("update_scales");
  REQUIRE(entry != nullptr);
  return *entry->measurement;
}

Param& param_named(Layer& layer, const std::string& name) {
  for (Param* p : layer.params())
    if (p->name == name) return *p;
  throw std::logic_error("no parameter " + name);
}

// Population std by its definition, in double: sqrt(1/n sum (x - mean)^2).
double std_by_definition(const std::vector<double>& x) {
  double mean = 0, var = 0;
  for (double v : x) mean += v / double(x.size());
  for (double v : x) var += (v - mean) * (v - mean) / double(x.size());
  return std::sqrt(var);
}

// Every seed k of `v` records fc1.weight and fc2.weight at steps 10, 20,
// 50 and 100 with update ratios `fc1` and `fc2` times (1 + 0.1 k), and
// gradient ratios 100 times those.
void add_update_scales(VariantSummary& v, double fc1, double fc2) {
  for (SeedResult& s : v.seeds) {
    const double k = 1 + 0.1 * double(s.seed);
    s.run_seconds = 10;
    UpdateScalesResult result{{"fc1.weight", "fc2.weight"}, 0.01, {}};
    for (int64_t step : {10, 20, 50, 100})
      result.points.push_back({step, {fc1 * k, fc2 * k}, {100 * fc1 * k, 100 * fc2 * k}});
    s.measures["update_scales"] = result;
  }
}

// bn_wins() with the ratios: without BN fc1 far below 1e-3 and fc2 near it;
// with BN fc1 near it and fc2 far above it.
CompareSummary scales_summary(double bn_fc1 = 2e-3) {
  CompareSummary s = test::bn_wins();
  s.measures["update_scales"] = nlohmann::json::object();
  add_update_scales(s.variants[0], 2e-4, 1e-3);
  add_update_scales(s.variants[1], bn_fc1, 5e-3);
  return s;
}

// Trains the blobs in `tmp` (written already) with `changes` merged over
// blob_config_json, the measurement's recorder attached as `minima compare`
// attaches it; `also` runs after the recorder at every step.
UpdateScalesResult recorded_run(const test::TempDir& tmp, const json& changes,
                                const std::function<void(Trainer&)>& also = {}) {
  const RunConfig config =
      parse_run_config(test::blob_config_json(tmp.path(), tmp.path("run"), changes), "blobs.json");
  const auto data = std::make_shared<const TrainingData>(load_training_data(config.data));
  const json on = true;
  const std::optional<json> settings = update_scales_measurement().configure(&on, "/update_scales");
  REQUIRE(settings);
  std::unique_ptr<Recorder> recorder;
  TrainerOptions options;
  options.progress = ProgressStyle::Quiet;
  options.after_step = [&](Trainer& trainer) {
    recorder->after_step(trainer);
    if (also) also(trainer);
  };
  Trainer trainer(config, data, options);
  recorder = update_scales_measurement().attach(*settings, {config, *data, trainer.model(), ""});
  recorder->start(trainer);
  if (also) also(trainer);
  trainer.run();
  return recorder->result().get<UpdateScalesResult>();
}

std::vector<int64_t> steps_of(const UpdateScalesResult& result) {
  std::vector<int64_t> steps;
  for (const UpdateScalesPoint& p : result.points) steps.push_back(p.step);
  return steps;
}

}  // namespace

TEST_CASE("update scales: population std and the std of a difference, by hand") {
  // mean 2.5; var (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
  const std::vector<float> x = {1, 2, 3, 4};
  CHECK(population_std(x) == doctest::Approx(std::sqrt(1.25)));
  CHECK(population_std(std::vector<float>{}) == 0);
  // d = {0, 2, 0, 2}: mean 1, var 1; a constant shift has no spread
  const std::vector<float> before = {5, -3, 1, 0}, after = {5, -1, 1, 2}, shifted = {7, -1, 3, 2};
  CHECK(population_std_of_difference(after, before) == doctest::Approx(1.0));
  CHECK(population_std_of_difference(shifted, before) == doctest::Approx(0.0));
  CHECK_THROWS_AS(population_std_of_difference(x, std::vector<float>{1}), std::invalid_argument);
}

TEST_CASE("update scales: the meter follows rank-2 weights and measures both ratios") {
  Graph g = Graph::from_json(json::array({{{"type", "dense"}, {"name", "fc1"}, {"units", 2}},
                                          {{"type", "batchnorm"}, {"name", "bn1"}},
                                          {{"type", "dense"}, {"name", "out"}, {"units", 2}}}),
                             "/model/layers");
  g.build(Shape{2}, 0);
  UpdateScaleMeter meter(g);
  // bn1's weight (gamma) has rank 1: not followed.
  CHECK(meter.tensor_names() == std::vector<std::string>{"fc1.weight", "out.weight"});
  Param& w = param_named(*g.find("fc1"), "weight");
  const float before[] = {1, -1, 1, -1}, after[] = {2, -2, 2, -2},
              grad[] = {0.1f, -0.1f, 0.1f, -0.1f};
  for (int64_t k = 0; k < 4; ++k) w.value[k] = before[k];
  meter.keep_weights();
  for (int64_t k = 0; k < 4; ++k) {
    w.value[k] = after[k];
    w.grad[k] = grad[k];
  }
  const UpdateScalesPoint p = meter.measure(7);
  CHECK(p.step == 7);
  REQUIRE(p.update_ratio.size() == 2);
  // std(W after) = 2; dW = {1, -1, 1, -1}, std 1; grad std 0.1.
  CHECK(p.update_ratio[0] == doctest::Approx(0.5));
  CHECK(p.grad_ratio[0] == doctest::Approx(0.05));
  // out.weight did not move and has no gradient.
  CHECK(p.update_ratio[1] == 0);
  CHECK(p.grad_ratio[1] == 0);
  // A tensor with no spread gives no ratio.
  w.value.zero();
  CHECK(std::isnan(meter.measure(8).update_ratio[0]));
}

TEST_CASE("update scales: the recorder on a plain-SGD run matches an independent computation") {
  test::TempDir tmp("update_scales_recorder");
  test::write_blobs(tmp.path());
  const double lr = 0.1;
  // Independently: fc1's weights before every step (kept at the start and
  // after each step), and both ratios after it, by definition.
  std::vector<float> fc1_before;
  std::map<int64_t, std::pair<double, double>> expected;
  const auto independently = [&](Trainer& trainer) {
    const Param& w = param_named(*trainer.model().find("fc1"), "weight");
    if (trainer.step() > 0) {
      std::vector<double> after, update, grad;
      for (int64_t k = 0; k < w.value.numel(); ++k) {
        after.push_back(w.value[k]);
        update.push_back(double(w.value[k]) - double(fc1_before[size_t(k)]));
        grad.push_back(w.grad[k]);
      }
      expected[trainer.step()] = {std_by_definition(update) / std_by_definition(after),
                                  std_by_definition(grad) / std_by_definition(after)};
    }
    fc1_before.assign(w.value.data(), w.value.data() + w.value.numel());
  };
  const UpdateScalesResult result =
      recorded_run(tmp,
                   {{"optimizer", {{"type", "sgd"}, {"lr", lr}, {"momentum", 0}}},
                    {"schedule", {{"type", "constant"}}}},
                   independently);

  CHECK(result.tensors == std::vector<std::string>{"fc1.weight", "fc2.weight"});
  // Steps 10 and 20 (log-spaced), 30 and 40 (evaluations; 40 the last).
  CHECK(steps_of(result) == std::vector<int64_t>{10, 20, 30, 40});
  for (const UpdateScalesPoint& p : result.points) {
    INFO("step " << p.step);
    CHECK(p.update_ratio[0] == doctest::Approx(expected.at(p.step).first).epsilon(1e-9));
    CHECK(p.grad_ratio[0] == doctest::Approx(expected.at(p.step).second).epsilon(1e-9));
    // Plain SGD: dW = -lr grad W, so update:data = lr x gradient:data (up to
    // the float rounding of W_after - W_before).
    for (size_t t = 0; t < 2; ++t)
      CHECK(p.update_ratio[t] == doctest::Approx(lr * p.grad_ratio[t]).epsilon(1e-3));
  }
  CHECK(result.record_seconds > 0);
}

TEST_CASE("update scales: with eval_every 0 the recorder follows the per-epoch evaluations") {
  test::TempDir tmp("update_scales_epochs");
  test::write_blobs(tmp.path());
  // 256 training samples in batches of 16: an epoch is 16 steps.
  const UpdateScalesResult result = recorded_run(tmp, {{"train", {{"eval_every", 0}}}});
  CHECK(steps_of(result) == std::vector<int64_t>{10, 16, 20, 32, 40});
  // With momentum the update is no longer lr x gradient, but both are measured.
  for (const UpdateScalesPoint& p : result.points) {
    CHECK(p.update_ratio[0] > 0);
    CHECK(p.grad_ratio[0] > 0);
  }
}

TEST_CASE("update scales config: true turns it on, false or absent off, anything else refused") {
  const Measurement& m = update_scales_measurement();
  const json on = true, off = false;
  const std::optional<json> settings = m.configure(&on, "/update_scales");
  REQUIRE(settings);
  CHECK(*settings == json::object());
  CHECK_FALSE(m.configure(&off, "/update_scales"));
  CHECK_FALSE(m.configure(nullptr, "/update_scales"));
  for (const json& bad : {json(1), json("yes"), json::object(), json::array({true})}) {
    INFO(bad.dump());
    try {
      m.configure(&bad, "/update_scales");
      FAIL("accepted");
    } catch (const ConfigError& e) {
      CHECK(e.pointer() == "/update_scales");
      CHECK(e.message() == "expected true or false");
    }
  }
}

TEST_CASE("update scales tables: run x tensor, median over training, median [min-max] over seeds") {
  const CompareSummary s = scales_summary();
  const TextTable update = update_scales_table(s, ScaleRatio::Update);
  CHECK(update.header == std::vector<std::string>{"run", "fc1.weight", "fc2.weight"});
  REQUIRE(update.rows.size() == 2);
  // Seeds x1.0, x1.1, x1.2: median 1.1 times the value.
  CHECK(update.rows[0].cells == std::vector<std::string>{"without BN",
                                                         "2.20e-04 [2.00e-04\u20132.40e-04]",
                                                         "1.10e-03 [1.00e-03\u20131.20e-03]"});
  const TextTable gradient = update_scales_table(s, ScaleRatio::Gradient);
  CHECK(gradient.rows[1].cells[2] == "5.50e-01 [5.00e-01\u20136.00e-01]");
  const std::vector<ReportTable> tables = update_scales_tables(s);
  REQUIRE(tables.size() == 2);
  CHECK(tables[0].caption.find("update:data ratio") != std::string::npos);
  // 0.01 s of recording in 10 s runs: 0.01 / 9.99.
  CHECK(tables[1].footnote == "recording them took 0.10% on top of the runs' own wall time");
  const json aggregate = update_scales_aggregate(s.variants[1]);
  REQUIRE(aggregate.size() == 2);
  CHECK(aggregate[0]["tensor"] == "fc1.weight");
  CHECK(aggregate[0]["update_ratio"]["median"]["value"].get<double>() == doctest::Approx(2.2e-3));
  CHECK(aggregate[1]["grad_ratio"]["max"]["value"].get<double>() == doctest::Approx(0.6));
  CHECK(update_scales_tables(test::bn_wins()).empty());
  CHECK(update_scales_aggregate(test::bn_wins().variants[0]).is_null());
}

TEST_CASE("update scales sentences: the factor against the baseline and the place by 1e-3") {
  const std::vector<std::string> said = update_scales_sentences(scales_summary());
  REQUIRE(said.size() == 3);
  CHECK(said[0] ==
        "without BN: the update:data ratio (median over training, then over seeds) of fc1.weight "
        "below 1e-3 by more than a factor 3 (2.20e-04): by the rule of thumb, slow to learn; of "
        "fc2.weight within a factor 3 of 1e-3 (1.10e-03).");
  CHECK(said[1] ==
        "with BN against without BN, the update:data ratio (median over training, then over "
        "seeds): fc1.weight 10\u00d7 larger (2.20e-03 against 2.20e-04) and fc2.weight 5.0\u00d7 "
        "larger (5.50e-03 against 1.10e-03).");
  CHECK(said[2] ==
        "with BN: the update:data ratio (median over training, then over seeds) of fc1.weight "
        "within a factor 3 of 1e-3 (2.20e-03); of fc2.weight above 1e-3 by more than a factor 3 "
        "(5.50e-03): by the rule of thumb, steps too large.");
  // Other numbers, other sentences: BN's fc1 now below the plain net's, ranges overlapping.
  const std::vector<std::string> changed = update_scales_sentences(scales_summary(1.9e-4));
  REQUIRE(changed.size() == 3);
  CHECK(changed[0] == said[0]);
  CHECK(changed[1].find("fc1.weight 1.1\u00d7 smaller (2.09e-04 against 2.20e-04, the seeds' "
                        "ranges overlap)") != std::string::npos);
  CHECK(changed[2].find("of fc1.weight below 1e-3 by more than a factor 3 (2.09e-04)") !=
        std::string::npos);
  CHECK(update_scales_sentences(test::bn_wins()).empty());
}

TEST_CASE("update scales page: per run both ratios on log axes, shared ranges, a guide at 1e-3") {
  const CompareSummary s = scales_summary();
  const std::vector<Chart> charts = update_scales_charts(s);
  REQUIRE(charts.size() == 4);  // per run: update, gradient
  const Chart& update = charts[2];
  CHECK(update.title == "with BN: update:data ratio");
  CHECK(update.log_y);
  CHECK(update.x_scale == Scale::Steps);
  REQUIRE(update.guides.size() == 1);
  CHECK(update.guides[0].value == 1e-3);
  CHECK(charts[3].guides.empty());
  // Three seeds: a band per tensor, the median with the min-max range, each seed faint.
  REQUIRE(update.bands.size() == 2);
  CHECK(update.bands[1].label == "fc2.weight (median of 3 seeds, min\u2013max)");
  CHECK(update.series.size() == 6);
  CHECK(update.series[0].faint);
  CHECK(update.bands[1].mid[0] == doctest::Approx(5.5e-3));
  CHECK(update.bands[1].lo[0] == doctest::Approx(5e-3));
  CHECK(update.bands[1].hi[3] == doctest::Approx(6e-3));
  // Update ratios 2e-4 .. 6e-3 on both runs' charts: decades 1e-4 .. 1e-2.
  CHECK(*charts[0].y_min == doctest::Approx(1e-4));
  CHECK(*update.y_max == doctest::Approx(1e-2));
  CHECK(*charts[1].y_min == doctest::Approx(1e-2));
  const std::string page = compare_report_html(s);
  CHECK(page.find("Gradient and update scales") != std::string::npos);
  CHECK(page.find("makemore Part 3") != std::string::npos);
  // On the page an exponent's minus is U+2212, so that no number wraps after "e-".
  CHECK(page.find("2.20e\u221204 [2.00e\u221204\u20132.40e\u221204]") != std::string::npos);
  CHECK(page.find("(2.20e\u221203 against 2.20e\u221204)") != std::string::npos);
  CHECK(page.find("2.20e-04") == std::string::npos);
}

TEST_CASE("minima compare with update_scales: ratios per variant and seed, runs unchanged") {
  test::TempDir tmp("compare_update_scales");
  const std::string variants = test::write_blob_compare(tmp.path());
  write_file_atomically(tmp.path("plain.json"), "{" + variants + "}");
  write_file_atomically(tmp.path("measured.json"), "{" + variants + R"(, "update_scales": true})");
  const test::CliResult plain =
      test::run_cli({"compare", tmp.path("plain.json"), "--quiet", "--out", tmp.path("plain")});
  REQUIRE(plain.exit_code == 0);
  const test::CliResult measured = test::run_cli(
      {"compare", tmp.path("measured.json"), "--quiet", "--out", tmp.path("measured")});
  INFO(measured.out << measured.err);
  REQUIRE(measured.exit_code == 0);

  for (const char* run : {"without-bn/seed-7", "with-bn/seed-7", "with-bn/seed-8"}) {
    const std::string a = tmp.path("plain/") + run, b = tmp.path("measured/") + run;
    CHECK(test::metrics_without_seconds(a + "/metrics.csv") ==
          test::metrics_without_seconds(b + "/metrics.csv"));
    CHECK(read_file(a + "/model.safetensors") == read_file(b + "/model.safetensors"));
  }
  const json doc = json::parse(read_file(tmp.path("measured/summary.json")));
  const CompareSummary s = summary_from_json(doc);
  for (const VariantSummary& v : s.variants)
    for (const SeedResult& seed : v.seeds) {
      const UpdateScalesResult r = *result_of<UpdateScalesResult>(seed, "update_scales");
      CHECK(r.tensors == std::vector<std::string>{"fc1.weight", "fc2.weight", "fc3.weight"});
      CHECK(steps_of(r) == std::vector<int64_t>{10, 20, 30, 40});
    }
  CHECK(doc["variants"][1]["aggregate"]["update_scales"][2]["tensor"] == "fc3.weight");
  CHECK(measured.out.find("update:data ratio std(") != std::string::npos);
  CHECK(measured.out.find("with BN against without BN, the update:data ratio") !=
        std::string::npos);
  CHECK(plain.out.find("update:data") == std::string::npos);
  CHECK(read_file(tmp.path("measured/report.html")).find("Gradient and update scales") !=
        std::string::npos);
  CHECK(test::xmllint_status(tmp.path("measured/report.html")) == 0);
  // Anything but true or false is refused, naming the key.
  write_file_atomically(tmp.path("bad.json"), "{" + variants + R"(, "update_scales": "yes"})");
  const test::CliResult bad = test::run_cli({"compare", tmp.path("bad.json"), "--quiet"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("/update_scales: expected true or false") != std::string::npos);
}

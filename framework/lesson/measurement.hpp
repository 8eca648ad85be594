#pragma once
// A measurement of `minima compare`: something it records in every run and
// reports over the variants and seeds. Each one is a file set in
// framework/lesson/<measurement>/ that registers itself:
//   MINIMA_REGISTER_MEASUREMENT("telemetry", 40, TelemetryMeasurement);
// Its name is its key in the compare config ("telemetry": {"bins": 30}),
// in every seed's `measures` and every variant's `aggregate` in
// summary.json. The command, the summary and the page know no measurement
// by name: a plugin (minima --plugin lib.so) can add one
// (docs/add-a-measurement.md, examples/custom_measurement).
//
// Over a run the command calls, in this order: start() once the trainer
// has built the model (step 0, before training); after every training
// step after_step(); at every evaluation at_evaluation(); at every probe
// point (step 0, the log-spaced steps 10, 20, 50, 100, ... of
// is_log_probe_step, and every evaluation) at_probe_point(), once per step:
// after start() at step 0, after after_step() at a log-spaced step (so
// before that step's at_evaluation(), if it has one), after at_evaluation()
// at any other evaluated step; and when the run ends (finished, stopped or
// diverged) result().
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/config/registry.hpp>
#include <minima/data/data_source.hpp>
#include <minima/io/metrics_log.hpp>
#include <minima/lesson/summary.hpp>
#include <minima/nn/graph.hpp>
#include <minima/report/html_report.hpp>
#include <minima/report/text_table.hpp>
#include <minima/train/run_config.hpp>
#include <minima/train/trainer.hpp>

namespace minima::lesson {

// What a measurement sees of one run when it attaches to it.
struct RunSetup {
  const RunConfig& config;   // the run's config, as trained
  const TrainingData& data;  // its training and test data
  const Graph& model;        // the trainer's model, built (read it; never change it)
  std::string dir;           // the run's folder; "" when this process writes no files
};

// One measurement's state in one run.
class Recorder {
 public:
  virtual ~Recorder() = default;
  virtual void start(Trainer& /*trainer*/) {}
  virtual void after_step(Trainer& /*trainer*/) {}
  virtual void at_evaluation(const EvalPoint& /*point*/, Trainer& /*trainer*/) {}
  virtual void at_probe_point(Trainer& /*trainer*/) {}
  // What the run recorded, as JSON (nlohmann's type macros on a result struct).
  virtual nlohmann::json result() const = 0;
};

// A table for the terminal (and the page, if the measurement puts it there).
struct ReportTable {
  std::string caption;  // the line above it; "" for none
  TextTable table;
  std::string footnote;  // a line below it; "" for none
};

// Each table on the page with its caption above and footnote below.
void add_tables(HtmlReport& page, const std::vector<ReportTable>& tables);

class Measurement {
 public:
  virtual ~Measurement() = default;

  // Its settings from the compare config's value under its name (`value`,
  // at JSON pointer `pointer`; nullptr when the config does not name it):
  // what to store in CompareSummary::measures, or nullopt when it is off.
  // Throws ConfigError for a bad value.
  virtual std::optional<nlohmann::json> configure(const nlohmann::json* value,
                                                  const std::string& pointer) const = 0;
  // Checks that it can measure `model` (built, before any training); a
  // ConfigError for what it cannot.
  virtual void check(const nlohmann::json& /*settings*/, const Graph& /*model*/) const {}
  // Its recorder for one run; nullptr when it records nothing itself (it
  // reports on the accuracy and loss every run records).
  virtual std::unique_ptr<Recorder> attach(const nlohmann::json& /*settings*/,
                                           const RunSetup& /*run*/) const {
    return nullptr;
  }

  // Derived numbers for variant `v`'s "aggregate" in summary.json; null for none.
  virtual nlohmann::json aggregate(const CompareSummary& /*summary*/,
                                   const VariantSummary& /*v*/) const {
    return nullptr;
  }
  // What it prints after the runs, and its sentences under "In this run:".
  virtual std::vector<ReportTable> tables(const CompareSummary& /*summary*/) const { return {}; }
  virtual std::vector<std::string> sentences(const CompareSummary& /*summary*/) const { return {}; }
  // Its section of report.html (nothing when it has nothing to show).
  virtual void page_section(HtmlReport& /*page*/, const CompareSummary& /*summary*/) const {}
};

struct MeasurementEntry {
  int order = 100;  // where its tables, sentences and section go: lower first
  std::shared_ptr<const Measurement> measurement;
};

// Every measurement by name (the measurements' own .cpp files register
// them, and so can a plugin). Lives in libminima_lesson, so a plugin and
// the program see one registry.
Registry<MeasurementEntry>& measurement_registry();

struct NamedMeasurement {
  std::string name;
  const Measurement* measurement;
};
// The registered measurements in report order (by order, then name).
std::vector<NamedMeasurement> measurements_in_order();
// Their names (each its key in the compare config), in that order.
std::vector<std::string> measurement_names();
// Those of them that were on in `summary` (named in its `measures`).
std::vector<NamedMeasurement> measurements_in(const CompareSummary& summary);

// The settings of a measurement turned on by `true` under its name: {} when
// `value` is true, nullopt when absent or false, a ConfigError at `pointer`
// for anything else.
std::optional<nlohmann::json> on_when_true(const nlohmann::json* value, const std::string& pointer);

// The probe points: step 0, then 1, 2 and 5 times 10, 100, ... (10, 20,
// 50, 100, 200, 500, 1000, ...); the command adds every evaluation.
bool is_log_probe_step(int64_t step);

}  // namespace minima::lesson

// At namespace scope in the measurement's own .cpp: registers a
// default-constructed `Type` as `name`, at `order` in the reports.
#define MINIMA_REGISTER_MEASUREMENT(name, order, Type)            \
  MINIMA_REGISTER(::minima::lesson::measurement_registry(), name, \
                  (::minima::lesson::MeasurementEntry{order, std::make_shared<const Type>()}))

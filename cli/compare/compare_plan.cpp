#include "cli/compare/compare_plan.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <minima/lesson/measurement.hpp>
#include <minima/train/eval_schedule.hpp>
#include <minima/train/thread_choice.hpp>

namespace minima::cli {

std::vector<Plan> plan_runs(const CompareConfig& compare, const std::string& out_dir) {
  std::vector<Plan> plans;
  std::map<std::string, std::shared_ptr<const TrainingData>> loaded;
  size_t most_seeds = 0;
  for (const CompareVariant& v : compare.variants)
    most_seeds = std::max(most_seeds, v.seeds.size());
  for (size_t k = 0; k < most_seeds; ++k) {
    for (size_t i = 0; i < compare.variants.size(); ++i) {
      const CompareVariant& v = compare.variants[i];
      if (k >= v.seeds.size()) continue;
      const int64_t seed = v.seeds[k];
      try {
        json written = v.config;
        written["seed"] = seed;
        written["output"]["dir"] =
            (std::filesystem::path(out_dir) / v.slug / ("seed-" + std::to_string(seed))).string();
        Plan plan{i, seed, parse_run_config(written, v.source), nullptr};
        const DataConfig& d = plan.config.data;
        const std::string key = json{d.dataset, d.dir, d.validation, d.normalize}.dump();
        if (!loaded.count(key))
          loaded[key] = std::make_shared<const TrainingData>(load_training_data(d));
        plan.data = loaded[key];
        Graph model = Graph::from_json(plan.config.layers, "/model/layers");
        model.build(plan.data->train.sample_shape, plan.config.seed);
        for (const lesson::NamedMeasurement& m : lesson::measurements_in_order())
          if (compare.measures.contains(m.name))
            m.measurement->check(compare.measures.at(m.name), model);
        plan.threads = plan.config.train.threads > 0
                           ? plan.config.train.threads
                           : choose_threads(model, plan.config.train.batch_size);
        plans.push_back(std::move(plan));
      } catch (const std::exception& e) {
        throw std::runtime_error("variant '" + v.name + "' (" + v.source + "): " + e.what());
      }
    }
  }
  return plans;
}

namespace {

std::string seed_list(const std::vector<int64_t>& seeds) {
  std::string list;
  for (int64_t s : seeds) list += (list.empty() ? "" : ", ") + std::to_string(s);
  return list;
}

// When a run evaluates, in words: "every 500 steps", or with early
// evaluations "at steps 10, 20, 50, 100 and 200, then every 500 steps".
std::string evaluation_steps(const TrainConfig& train, int64_t steps_per_epoch) {
  const int64_t every = train.eval_every > 0 ? train.eval_every : steps_per_epoch;
  const int64_t last = train.steps > 0 ? train.steps : train.epochs * steps_per_epoch;
  const std::vector<int64_t> early = EvalSchedule{every, last, train.eval_early}.early_steps();
  const std::string regular = train.eval_every > 0 ? "every " + std::to_string(every) + " steps"
                                                   : std::string("once per epoch");
  if (early.empty()) return regular;
  std::string list;
  for (size_t i = 0; i < early.size(); ++i)
    list += (i == 0 ? "" : i + 1 == early.size() ? " and " : ", ") + std::to_string(early[i]);
  return "at step" + std::string(early.size() > 1 ? "s " : " ") + list + ", then " + regular;
}

}  // namespace

std::vector<std::string> setup_notes(const std::vector<Plan>& plans, const CompareConfig& compare) {
  std::vector<std::string> notes;
  std::string seeds;
  bool same = true;
  for (const CompareVariant& v : compare.variants) {
    seeds += (seeds.empty() ? "" : "; ") + v.name + ": " + seed_list(v.seeds);
    same = same && v.seeds == compare.variants[0].seeds;
  }
  const std::vector<int64_t>& first = compare.variants[0].seeds;
  notes.push_back(
      same ? (first.size() > 1 ? "Every variant runs with seeds " : "Every run uses seed ") +
                 seed_list(first) +
                 ": with the same seed, the same data order, and identical initial "
                 "weights in the layers they share."
           : "The runs use different seeds (" + seeds + ").");
  const Plan& p = plans[0];
  const int64_t steps_per_epoch =
      std::max<int64_t>(1, p.data->train.count / p.config.train.batch_size);
  notes.push_back("Accuracy on the " + p.data->eval_name + " set (" +
                  std::to_string(p.data->eval.count) + " samples), before training and " +
                  evaluation_steps(p.config.train, steps_per_epoch) + ".");
  return notes;
}

}  // namespace minima::cli

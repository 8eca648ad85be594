#include "cli/compare/compare_plan.hpp"

#include <filesystem>
#include <map>

#include <minima/lesson/measurement.hpp>
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
  const int64_t eval_every = p.config.train.eval_every;
  notes.push_back("Accuracy on the " + p.data->eval_name + " set (" +
                  std::to_string(p.data->eval.count) + " samples), before training and " +
                  (eval_every > 0 ? "every " + std::to_string(eval_every) + " steps."
                                  : std::string("once per epoch.")));
  return notes;
}

}  // namespace minima::cli

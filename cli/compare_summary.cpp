#include "cli/compare_summary.hpp"

#include <filesystem>

#include <minima/core/blas.hpp>
#include <minima/core/format.hpp>
#include <minima/platform/blas_kernel_description.hpp>

namespace minima::cli {
namespace {

// "BLAS kernel: OpenBLAS Zen (AVX2)"
std::string hardware_line() { return "BLAS kernel: " + blas_kernel_description(blas_corename()); }

}  // namespace

lesson::CompareSummary summary_setup(const CompareConfig& compare, const std::vector<Plan>& plans,
                                     const std::string& config_file,
                                     const std::vector<std::string>& overrides) {
  lesson::CompareSummary setup;
  setup.title = compare.description.empty()
                    ? "minima compare: " + std::filesystem::path(config_file).stem().string()
                    : compare.description;
  setup.source = config_file;
  setup.command = "minima compare " + shell_word(config_file);
  for (const std::string& o : overrides) setup.command += " --set " + shell_word(o);
  setup.sweep_key = compare.sweep_key;
  setup.hardware = hardware_line();
  setup.notes = setup_notes(plans, compare);
  setup.measures = compare.measures;
  for (const CompareVariant& v : compare.variants) {
    const json description = v.config.value("description", json(""));
    lesson::VariantSummary& summary = setup.variants.emplace_back();
    summary.name = v.name;
    summary.setting = v.setting;
    summary.sweep_value = v.sweep_value;
    summary.baseline = v.baseline;
    summary.description = description.is_string() ? description.get<std::string>() : "";
    summary.changes = v.changes;
    summary.source = v.source;
    summary.config = v.config;
    summary.style = v.style;
  }
  return setup;
}

lesson::CompareSummary summary_so_far(lesson::CompareSummary setup, const std::vector<Plan>& plans,
                                      const std::vector<std::optional<RunOutcome>>& outcomes) {
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!outcomes[i]) continue;
    setup.variants[plans[i].variant].seeds.push_back(outcomes[i]->result);
    for (const std::string& note : {outcomes[i]->diverged_note, outcomes[i]->stop_note})
      if (!note.empty()) setup.notes.push_back(note);
  }
  return setup;
}

}  // namespace minima::cli

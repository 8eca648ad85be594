#include <minima/train/saved_model.hpp>

#include <filesystem>
#include <stdexcept>

#include <minima/data/data_source.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/io/safetensors.hpp>
#include <minima/train/trainer.hpp>

namespace minima {
namespace fs = std::filesystem;

ModelFiles model_files(const std::string& run_dir_or_checkpoint) {
  const std::string& target = run_dir_or_checkpoint;
  if (fs::is_directory(target)) {
    const fs::path dir(target);
    const ModelFiles files{(dir / "config.json").string(), (dir / "model.safetensors").string(),
                           (dir / "classes.json").string()};
    if (!fs::exists(files.config))
      throw std::runtime_error(target +
                               ": not a run directory (expected the config.json and "
                               "model.safetensors that minima train writes)");
    return files;
  }
  if (!fs::exists(target))
    throw std::runtime_error(target + ": no such run directory or .safetensors checkpoint");
  if (fs::path(target).extension() != ".safetensors")
    throw std::runtime_error(target +
                             ": expected a run directory or a .safetensors checkpoint (with the "
                             "config.json beside it)");
  const fs::path dir = fs::path(target).parent_path();
  return {(dir / "config.json").string(), target, (dir / "classes.json").string()};
}

SavedModel load_saved_model(const ModelFiles& files, const Shape& input_shape,
                            const std::vector<std::string>& overrides) {
  SavedModel m{files, load_run_config(files.config, overrides), {}, {}, {}, {}};
  m.graph = Graph::from_json(m.config.layers, "/model/layers");
  m.graph.build(input_shape, m.config.seed);
  load_model(files.weights, m.graph);
  m.metadata = load_safetensors(files.weights).metadata;
  if (m.metadata.count(kMeanKey) || m.metadata.count(kStdKey))
    m.normalization = normalization_from_metadata(m.metadata, files.weights);
  else if (m.config.data.normalize == "standardize")
    m.normalization = load_training_data(m.config.data).normalization;
  const int64_t outputs = m.graph.output_shape().numel();
  if (auto names = read_class_names(files.classes)) {
    if (int64_t(names->size()) != outputs)
      throw std::runtime_error(files.classes + ": lists " + std::to_string(names->size()) +
                               " classes but the model has " + std::to_string(outputs) +
                               " outputs");
    m.class_names = *names;
  } else {
    for (int64_t k = 0; k < outputs; ++k) m.class_names.push_back(std::to_string(k));
  }
  return m;
}

}  // namespace minima

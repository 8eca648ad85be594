#include <minima/nn/model_builder.hpp>

namespace minima {

Registry<ModelBuilder>& model_registry() {
  static Registry<ModelBuilder> registry("model builder", "known builders");
  return registry;
}

json expand_model(const json& spec, const std::string& pointer) {
  ConfigObject args(spec, pointer);
  const std::string type = args.required<std::string>("type");
  json layers = model_registry().at(type, args.pointer_to("type"))(args);
  args.finish();
  return layers;
}

}  // namespace minima

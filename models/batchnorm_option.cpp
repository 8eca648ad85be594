#include <minima/models/batchnorm_option.hpp>

#include <minima/layers/batchnorm.hpp>

namespace minima {

json read_batchnorm_option(ConfigObject& spec) {
  spec.accept({"batchnorm"});
  if (!spec.has("batchnorm")) return nullptr;
  const json& value = spec.raw("batchnorm");
  if (value.is_boolean()) return value.get<bool>() ? json::object() : json(nullptr);
  spec.expect(value.is_object(), "batchnorm", "true, false or an object of batchnorm settings");
  ConfigObject settings(value, spec.pointer_to("batchnorm"));
  BatchNorm check(settings);
  settings.finish();
  return value;
}

}  // namespace minima

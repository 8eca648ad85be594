#pragma once
// The "batchnorm" key of a model builder (mlp, cnn):
//   "batchnorm": false            no Batch Normalization (the default)
//   "batchnorm": true             a batchnorm layer with its default settings
//   "batchnorm": {"sync": true}   with these settings (layers/batchnorm.hpp)
#include <minima/config/config_object.hpp>

namespace minima {

// null without BN, else the settings every batchnorm layer of the model gets
// (checked here, so a mistake names the spec's "batchnorm" key).
json read_batchnorm_option(ConfigObject& spec);

}  // namespace minima

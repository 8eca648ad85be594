#include "cli/compare/compare_config.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>

#include <minima/config/config_object.hpp>
#include <minima/config/config_override.hpp>
#include <minima/core/atomic_file.hpp>
#include <minima/core/format.hpp>
#include <minima/lesson/measurement.hpp>

namespace minima::cli {
namespace fs = std::filesystem;

namespace {

// A key as one JSON pointer token (RFC 6901: "~" -> "~0", "/" -> "~1").
std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

template <class Json>
Json read_json_file(const std::string& path) {
  const std::string text = read_file(path);
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path + ": invalid JSON: " + e.what());
  }
}

json load_run_json(const std::string& path) {
  json config = read_json_file<json>(path);
  if (!config.is_object())
    throw ConfigError("/", path + " is not a run config (expected an object {...})");
  return config;
}

// Applies one variant's {"dotted.key": value} overrides; `pointer` locates
// the object in the compare file.
void apply_variant(json& config, const nlohmann::ordered_json& overrides,
                   const std::string& pointer, const std::string& base_source) {
  if (!overrides.is_object())
    throw ConfigError(pointer,
                      "expected an object of overrides like {\"model.batchnorm\": false}, got " +
                          overrides.dump());
  for (const auto& [key, value] : overrides.items()) {
    try {
      apply_override(config, key, json(value));
    } catch (const ConfigError& e) {
      throw ConfigError(pointer + "/" + pointer_token(key),
                        "cannot apply to " + base_source + ": " + e.what());
    }
  }
}

std::string sweep_label(const std::string& key, const nlohmann::ordered_json& value) {
  const std::string leaf = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  return leaf + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
}

// What the variant changes in the base ("optimizer.lr=0.5, model.batchnorm=false"),
// also said in the run's own description so that its config.json does not
// describe the base alone.
void describe_variant(CompareVariant& v, const nlohmann::ordered_json& changes,
                      const std::string& sweep_key, const nlohmann::ordered_json& sweep_value) {
  std::string changed = sweep_key.empty() ? "" : sweep_key + "=" + sweep_value.dump();
  for (const auto& [key, value] : changes.items())
    if (key != "description") changed += (changed.empty() ? "" : ", ") + key + "=" + value.dump();
  v.changes = changed;
  if (changed.empty() || changes.contains("description")) return;
  const json& base = v.config.contains("description") ? v.config["description"] : json("");
  const std::string text = base.is_string() ? base.get<std::string>() : "";
  v.config["description"] =
      "compare variant '" + v.name + "' (" + changed + ")" + (text.empty() ? "" : ": " + text);
}

// {"configs": [...]}: one variant per file, named by its stem.
void read_config_list(ConfigObject& top, const std::string& baseline,
                      const std::function<std::string(const std::string&)>& resolve,
                      CompareConfig& out) {
  const std::vector<std::string> files = top.required<std::vector<std::string>>("configs");
  top.expect(!files.empty(), "configs", "a non-empty list of config files");
  for (size_t i = 0; i < files.size(); ++i) {
    CompareVariant v;
    v.source = resolve(files[i]);
    v.name = fs::path(files[i]).stem().string();
    v.config = load_run_json(v.source);
    v.style = LineStyle::numbered(int(i));
    for (const CompareVariant& other : out.variants)
      if (other.name == v.name)
        throw ConfigError("/configs/" + std::to_string(i), "two configs named " + v.name);
    out.variants.push_back(std::move(v));
  }
  size_t base_i = 0;
  while (!baseline.empty() && base_i < out.variants.size() && out.variants[base_i].name != baseline)
    ++base_i;
  if (base_i == out.variants.size())
    throw ConfigError("/baseline", "no config named '" + baseline + "'");
  for (size_t i = 0; i < out.variants.size(); ++i)
    if (i != base_i) out.variants[i].baseline = out.variants[base_i].name;
}

// {"base": ..., "variants": {...}, "sweep": {...}}: every sweep value with
// every variant, value-major.
void read_base_variants(ConfigObject& top, const nlohmann::ordered_json& doc,
                        const std::string& baseline,
                        const std::function<std::string(const std::string&)>& resolve,
                        CompareConfig& out) {
  const std::string base_source = resolve(top.required<std::string>("base"));
  const json base = load_run_json(base_source);
  top.accept({"variants", "sweep"});
  top.expect(top.has("variants") || top.has("sweep"), "variants",
             "an object of named overrides (or a \"sweep\")");

  std::vector<std::pair<std::string, nlohmann::ordered_json>> variants;
  if (top.has("variants")) {
    const auto& v = doc.at("variants");
    top.expect(v.is_object() && !v.empty(), "variants",
               "an object of named overrides like {\"with BN\": {...}}");
    for (const auto& [name, changes] : v.items()) variants.emplace_back(name, changes);
  } else {
    variants.emplace_back("", nlohmann::ordered_json::object());
  }
  std::string sweep_key;
  std::vector<nlohmann::ordered_json> sweep_values{nullptr};  // one pass without a sweep
  if (top.has("sweep")) {
    ConfigObject sweep = top.child("sweep");
    sweep_key = sweep.required<std::string>("key");
    const json& values = sweep.raw("values");
    sweep.expect(values.is_array() && !values.empty(), "values",
                 "a non-empty list of values for " + sweep_key);
    sweep_values.assign(doc.at("sweep").at("values").begin(), doc.at("sweep").at("values").end());
    sweep.finish();
    out.sweep_key = sweep_key;
  }

  size_t base_k = 0;
  while (!baseline.empty() && base_k < variants.size() && variants[base_k].first != baseline)
    ++base_k;
  if (base_k == variants.size()) {
    std::string names;
    for (const auto& [name, changes] : variants) names += (names.empty() ? "" : ", ") + name;
    throw ConfigError("/baseline", "no variant named '" + baseline + "' (variants: " + names + ")");
  }
  const bool one_setup = variants.size() == 1;  // a plain sweep: compare every value with the first
  for (size_t s = 0; s < sweep_values.size(); ++s) {
    for (size_t k = 0; k < variants.size(); ++k) {
      const auto& [name, changes] = variants[k];
      CompareVariant v;
      v.source = base_source;
      v.config = base;
      if (!sweep_key.empty()) {
        try {
          apply_override(v.config, sweep_key, json(sweep_values[s]));
        } catch (const ConfigError& e) {
          throw ConfigError("/sweep/key", "cannot apply to " + base_source + ": " + e.what());
        }
      }
      apply_variant(v.config, changes, "/variants/" + pointer_token(name), base_source);
      const std::string value_label =
          sweep_key.empty() ? "" : sweep_label(sweep_key, sweep_values[s]);
      v.name = name.empty() ? value_label : value_label.empty() ? name : name + ", " + value_label;
      v.setting = name;
      if (!sweep_key.empty()) v.sweep_value = json(sweep_values[s]);
      describe_variant(v, changes, sweep_key, sweep_values[s]);
      // In a sweep of several variants, colour and marker tell the variants
      // apart and the dash pattern tells the value.
      v.style = one_setup           ? LineStyle::numbered(int(s))
                : sweep_key.empty() ? LineStyle::numbered(int(k))
                                    : LineStyle{int(k), int(s), int(k)};
      out.variants.push_back(std::move(v));
    }
  }
  for (size_t i = 0; i < out.variants.size(); ++i) {
    const size_t base_i = one_setup ? 0 : i / variants.size() * variants.size() + base_k;
    if (i != base_i) out.variants[i].baseline = out.variants[base_i].name;
  }
}

// "seeds": 3 (count from each run's own seed) or [0, 7, 9] (these seeds).
struct SeedChoice {
  int64_t count = 0;
  std::vector<int64_t> list;
};

SeedChoice read_seeds(ConfigObject& top) {
  if (!top.has("seeds")) return {1, {}};
  const json& seeds = top.raw("seeds");
  const std::string expected =
      "a number of seeds (1 to 1000) or a list of distinct seeds >= 0, like 3 or [0, 7, 9]";
  if (seeds.is_number_integer()) {
    top.expect(seeds.get<int64_t>() >= 1 && seeds.get<int64_t>() <= 1000, "seeds", expected);
    return {seeds.get<int64_t>(), {}};
  }
  top.expect(seeds.is_array() && !seeds.empty(), "seeds", expected);
  SeedChoice choice;
  for (const json& s : seeds) {
    top.expect(s.is_number_integer() && s.get<int64_t>() >= 0, "seeds", expected);
    top.expect(
        std::find(choice.list.begin(), choice.list.end(), s.get<int64_t>()) == choice.list.end(),
        "seeds", expected);
    choice.list.push_back(s.get<int64_t>());
  }
  return choice;
}

// Unique folder names from the variant names.
void assign_slugs(std::vector<CompareVariant>& variants) {
  for (CompareVariant& v : variants) {
    std::string slug = slugify(v.name);
    if (slug.empty()) slug = "run";
    v.slug = slug;
    for (int k = 2;; ++k) {
      bool taken = false;
      for (const CompareVariant& other : variants)
        taken = taken || (&other != &v && other.slug == v.slug);
      if (!taken) break;
      v.slug = slug + "-" + std::to_string(k);
    }
  }
}

}  // namespace

CompareConfig parse_compare_config(const nlohmann::ordered_json& doc, const std::string& source,
                                   const std::vector<std::string>& overrides) {
  const json plain = json::parse(doc.dump());
  if (plain.is_object() && plain.contains("model") && !plain.contains("base") &&
      !plain.contains("configs"))
    throw std::runtime_error(source +
                             ": a run config (it has \"model\"), not a comparison of runs: "
                             "train it with `minima train " +
                             source + "`");
  ConfigObject top(plain, "");
  const fs::path dir = fs::path(source).parent_path();
  auto resolve = [&](const std::string& p) {
    return fs::path(p).is_absolute() ? p : (dir / p).lexically_normal().string();
  };

  CompareConfig out;
  out.source = source;
  out.description = top.get<std::string>("description", "");
  out.output_dir =
      top.get<std::string>("output", (fs::path("runs") / fs::path(source).stem()).string());
  for (const lesson::NamedMeasurement& m : lesson::measurements_in_order()) {
    top.accept(m.name);
    const nlohmann::json* value = top.has(m.name) ? &top.raw(m.name) : nullptr;
    if (std::optional<json> settings = m.measurement->configure(value, top.pointer_to(m.name)))
      out.measures[m.name] = std::move(*settings);
  }
  int64_t samples = 0, eval_samples = 0;
  if (top.has("samples")) {
    ConfigObject matched = top.child("samples");
    samples = matched.required<int64_t>("total");
    matched.expect(samples > 0, "total", "a number of training samples > 0");
    eval_samples = matched.get<int64_t>("eval_every", samples / 10);
    matched.expect(eval_samples > 0 && eval_samples <= samples, "eval_every",
                   "a number of samples > 0 and at most \"total\"");
    matched.finish();
  }
  const std::optional<int64_t> seed = top.get_nullable<int64_t>("seed", std::nullopt);
  if (seed) top.expect(*seed >= 0, "seed", "an integer >= 0");
  const std::optional<int64_t> eval_every = top.get_nullable<int64_t>("eval_every", std::nullopt);
  if (eval_every) top.expect(*eval_every > 0, "eval_every", "a number of steps > 0");
  // Steps to a threshold see a fast start only where the run evaluates, so
  // every run also evaluates at steps 10, 20, 50, ... below its first
  // regular evaluation (train.eval_early) unless the file says false.
  const bool eval_early = top.get<bool>("eval_early", true);
  const std::string baseline = top.get<std::string>("baseline", "");
  const SeedChoice seeds = read_seeds(top);

  top.expect(top.has("base") != top.has("configs"), top.has("configs") ? "configs" : "base",
             "exactly one of \"base\" (with \"variants\" and/or \"sweep\") or \"configs\"");
  if (top.has("configs"))
    read_config_list(top, baseline, resolve, out);
  else
    read_base_variants(top, doc, baseline, resolve, out);
  top.finish();

  // The compare file's settings for all runs, then the command line's.
  for (CompareVariant& v : out.variants) {
    if (seed) v.config["seed"] = *seed;
    if (eval_every) v.config["train"]["eval_every"] = *eval_every;
    v.config["train"]["eval_early"] = eval_early;
    for (const std::string& o : overrides) {
      try {
        apply_override(v.config, o);
      } catch (const ConfigError& e) {
        throw std::runtime_error("--set " + o + ": " + v.source + ": " + e.what());
      }
    }
    // "samples": steps = ceil(total / batch size), evaluated every
    // round(eval_every / batch size) steps (at least 1).
    if (samples > 0) {
      const json batch = v.config["train"].value("batch_size", json(nullptr));
      if (!batch.is_number_integer() || batch.get<int64_t>() <= 0)
        throw ConfigError("/samples", "variant '" + v.name +
                                          "' has no train.batch_size to divide the samples by");
      const int64_t b = batch.get<int64_t>();
      v.config["train"]["steps"] = (samples + b - 1) / b;
      v.config["train"]["eval_every"] = std::max<int64_t>(1, (eval_samples + b / 2) / b);
    }
    // "seeds": N counts from the run's own seed (0 when its config has none).
    const int64_t own = v.config.contains("seed") && v.config["seed"].is_number_integer()
                            ? v.config["seed"].get<int64_t>()
                            : 0;
    v.seeds = seeds.list;
    for (int64_t k = 0; k < seeds.count; ++k) v.seeds.push_back(own + k);
  }
  assign_slugs(out.variants);
  return out;
}

CompareConfig load_compare_config(const std::string& path,
                                  const std::vector<std::string>& overrides) {
  const auto doc = read_json_file<nlohmann::ordered_json>(path);
  try {
    return parse_compare_config(doc, path, overrides);
  } catch (const ConfigError& e) {
    throw e.in_file(path);
  }
}

}  // namespace minima::cli

// Optimizers against hand-computed updates: 3 steps on a 2-value arena,
// p0 = [1, -2], gradients g1 = [1, 0.5], g2 = [2, 0.5], g3 = [-1, 0.5].
#include <doctest/doctest.h>

#include <string>

#include <minima/optim/optimizer.hpp>

using namespace minima;

namespace {

struct Run {
  Tensor p;
  std::unique_ptr<Optimizer> optimizer;
};

Run run_three_steps(const json& config) {
  ConfigObject object(config, "/optimizer");
  Run run{Tensor(Shape{2}), make_optimizer(object, 2)};
  run.p[0] = 1.0f;
  run.p[1] = -2.0f;
  const float grads[3][2] = {{1.0f, 0.5f}, {2.0f, 0.5f}, {-1.0f, 0.5f}};
  Tensor g(Shape{2});
  for (const auto& step : grads) {
    g[0] = step[0];
    g[1] = step[1];
    run.optimizer->step(run.p, g, run.optimizer->base_lr());
  }
  return run;
}

Tensor& state(Optimizer& optimizer, const std::string& name) {
  for (auto& [key, tensor] : optimizer.state())
    if (key == name) return *tensor;
  FAIL("no optimizer state named " << name);
  throw std::logic_error("unreachable");
}

std::string optimizer_error(const json& config) {
  try {
    ConfigObject object(config, "/optimizer");
    make_optimizer(object, 2);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("sgd without momentum: p -= lr * g") {
  // p0 = 1 - 0.1 * (1 + 2 - 1) = 0.8; p1 = -2 - 0.1 * 1.5 = -2.15
  Run run = run_three_steps({{"type", "sgd"}, {"lr", 0.1}});
  CHECK(run.p[0] == doctest::Approx(0.8).epsilon(1e-6));
  CHECK(run.p[1] == doctest::Approx(-2.15).epsilon(1e-6));
  CHECK(run.optimizer->state().empty());
}

TEST_CASE("sgd momentum: v = mu v + g, p -= lr v") {
  // v: 1, 0.9 + 2 = 2.9, 2.61 - 1 = 1.61; p: 1 - 0.1 - 0.29 - 0.161 = 0.449
  // second value: v 0.5, 0.95, 1.355; p = -2 - 0.1 * 2.805 = -2.2805
  Run run = run_three_steps({{"type", "sgd"}, {"lr", 0.1}, {"momentum", 0.9}});
  CHECK(run.p[0] == doctest::Approx(0.449).epsilon(1e-6));
  CHECK(run.p[1] == doctest::Approx(-2.2805).epsilon(1e-6));
  Tensor& v = state(*run.optimizer, "momentum");
  CHECK(v[0] == doctest::Approx(1.61).epsilon(1e-6));
  CHECK(v[1] == doctest::Approx(1.355).epsilon(1e-6));
}

TEST_CASE("sgd nesterov: p -= lr (g + mu v)") {
  // g': 1 + 0.9 = 1.9, 2 + 0.9 * 2.9 = 4.61, -1 + 0.9 * 1.61 = 0.449
  // p = 1 - 0.1 * (1.9 + 4.61 + 0.449) = 0.3041
  Run run = run_three_steps({{"type", "sgd"}, {"lr", 0.1}, {"momentum", 0.9}, {"nesterov", true}});
  CHECK(run.p[0] == doctest::Approx(0.3041).epsilon(1e-6));
  CHECK(run.p[1] == doctest::Approx(-2.40245).epsilon(1e-6));
}

TEST_CASE("sgd weight decay: g += wd * p before the update") {
  // g: 1 + 0.1 = 1.1 -> p 0.89; 2 + 0.089 -> p 0.6811; -1 + 0.06811 -> p 0.774289
  Run run = run_three_steps({{"type", "sgd"}, {"lr", 0.1}, {"weight_decay", 0.1}});
  CHECK(run.p[0] == doctest::Approx(0.774289).epsilon(1e-6));
  CHECK(run.p[1] == doctest::Approx(-2.089103).epsilon(1e-6));
  // Momentum, Nesterov and weight decay together (same formulas, wd = 0.01).
  Run all = run_three_steps({{"type", "sgd"},
                             {"lr", 0.1},
                             {"momentum", 0.9},
                             {"nesterov", true},
                             {"weight_decay", 0.01}});
  CHECK(all.p[0] == doctest::Approx(0.29781602).epsilon(1e-6));
  CHECK(all.p[1] == doctest::Approx(-2.38568475).epsilon(1e-6));
}

TEST_CASE("adam: bias-corrected moments") {
  // Constant gradient 0.5: m_hat = 0.5 and v_hat = 0.25 exactly, so every
  // step moves by lr (up to eps): p1 = -2 - 3 * 0.1.
  // First value, t = 3: m = 0.161, v = 0.005994001, 1 - b1^3 = 0.271,
  // 1 - b2^3 = 0.002997001 -> p = 0.9 - 0.0965182... - 0.0420089... = 0.76147287
  Run run = run_three_steps({{"type", "adam"}, {"lr", 0.1}});
  CHECK(run.p[0] == doctest::Approx(0.76147287).epsilon(1e-6));
  CHECK(run.p[1] == doctest::Approx(-2.3).epsilon(1e-6));
  CHECK(state(*run.optimizer, "adam_m")[0] == doctest::Approx(0.161).epsilon(1e-6));
  CHECK(state(*run.optimizer, "adam_v")[0] == doctest::Approx(0.005994001).epsilon(1e-6));
  CHECK(state(*run.optimizer, "adam_step")[0] == 3.0f);
  // L2 weight decay enters the gradient (PyTorch Adam, not AdamW).
  Run decayed = run_three_steps({{"type", "adam"}, {"lr", 0.1}, {"weight_decay", 0.1}});
  CHECK(decayed.p[0] == doctest::Approx(0.75623706).epsilon(1e-6));
  CHECK(decayed.p[1] == doctest::Approx(-2.29961847).epsilon(1e-6));
}

TEST_CASE("optimizer config fills defaults and round-trips") {
  const json sgd_config = {{"type", "sgd"}, {"lr", 0.5}}, adam_config = {{"type", "adam"}};
  ConfigObject sgd_object(sgd_config, "/optimizer");
  json sgd = make_optimizer(sgd_object, 4)->config();
  CHECK(sgd == json{{"type", "sgd"},
                    {"lr", 0.5},
                    {"momentum", 0.0},
                    {"nesterov", false},
                    {"weight_decay", 0.0}});
  ConfigObject adam_object(adam_config, "/optimizer");
  auto adam = make_optimizer(adam_object, 4);
  CHECK(adam->base_lr() == doctest::Approx(0.001));
  const json resolved = adam->config();
  ConfigObject again(resolved, "/optimizer");
  CHECK(make_optimizer(again, 4)->config() == adam->config());
}

TEST_CASE("optimizer errors name the pointer") {
  CHECK(optimizer_error({{"type", "sgd"}, {"lr", -1}}) ==
        "/optimizer/lr: expected a positive number, got -1");
  CHECK(optimizer_error({{"type", "sgd"}}) == "/optimizer/lr: is required (a number)");
  CHECK(optimizer_error({{"type", "sgd"}, {"lr", "fast"}}) ==
        "/optimizer/lr: expected a number, got \"fast\"");
  CHECK(optimizer_error({{"type", "sgd"}, {"lr", 0.1}, {"momentum", 1.5}}) ==
        "/optimizer/momentum: expected a number in [0, 1), got 1.5");
  CHECK(optimizer_error({{"type", "sgd"}, {"lr", 0.1}, {"nesterov", true}})
            .starts_with("/optimizer/nesterov: expected false unless momentum > 0"));
  CHECK(optimizer_error({{"type", "sgd"}, {"lr", 0.1}, {"weight_decay", -0.1}}) ==
        "/optimizer/weight_decay: expected a number >= 0, got -0.1");
  CHECK(optimizer_error({{"type", "sgd"}, {"lr", 0.1}, {"momentun", 0.9}}) ==
        "/optimizer/momentun: unknown key; known keys here: lr, momentum, nesterov, type, "
        "weight_decay");
  CHECK(optimizer_error({{"type", "adam"}, {"beta2", 1.0}}) ==
        "/optimizer/beta2: expected a number in [0, 1), got 1.0");
  CHECK(optimizer_error({{"type", "adam"}, {"beta1", -0.1}}) ==
        "/optimizer/beta1: expected a number in [0, 1), got -0.1");
  CHECK(optimizer_error({{"type", "adam"}, {"eps", 0}}) ==
        "/optimizer/eps: expected a positive number, got 0");
  CHECK(optimizer_error({{"type", "adam"}, {"lr", 0}}) ==
        "/optimizer/lr: expected a positive number, got 0");
  CHECK(optimizer_error({{"type", "adam"}, {"weight_decay", -1}}) ==
        "/optimizer/weight_decay: expected a number >= 0, got -1");
  CHECK(optimizer_error({{"type", "rmsprop"}}) ==
        "/optimizer/type: unknown optimizer 'rmsprop'; known: adam, sgd");
  CHECK(optimizer_error({{"lr", 0.1}}) == "/optimizer/type: is required (a string)");
}

TEST_CASE("optimizer refuses an arena of the wrong size") {
  const json config = {{"type", "adam"}};
  ConfigObject object(config, "/optimizer");
  auto adam = make_optimizer(object, 3);
  Tensor p(Shape{2}), g(Shape{2});
  CHECK_THROWS_WITH(adam->step(p, g, 0.1f),
                    "adam: parameter arena has 2 values, gradients 2, moments 3");
}

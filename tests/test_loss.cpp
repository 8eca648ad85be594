// Softmax cross-entropy against PyTorch (tests/data/pytorch_reference.json),
// including logits near +1000 and -1000, plus correct() and argmax_row.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <minima/nn/loss.hpp>
#include "tests/support.hpp"

using minima::Shape;
using minima::SoftmaxCrossEntropy;
using minima::Tensor;

TEST_CASE("softmax cross-entropy matches PyTorch, also for rows near +1000 and -1000") {
  const auto& ref = minima::test::reference()["softmax_cross_entropy"];
  const Tensor logits = minima::test::to_tensor(ref["logits"]);
  const std::vector<int32_t> labels = ref["labels"].get<std::vector<int32_t>>();
  REQUIRE(logits.shape() == Shape{5, 10});
  SoftmaxCrossEntropy ce;
  const float loss = ce.forward(logits, labels);
  REQUIRE(std::isfinite(loss));
  // Float32 logsumexp of O(10) terms: within 1e-6 relative of the float64 loss
  // (a naive exp(1000) would be inf, a missing max-shift NaN).
  CHECK(loss == doctest::Approx(ref["loss"].get<double>()).epsilon(1e-6));
  const Tensor& dlogits = ce.backward();
  for (int64_t k = 0; k < dlogits.numel(); ++k) REQUIRE(std::isfinite(dlogits[k]));
  // Entries are probabilities / 5 (<= 0.2): rtol 1e-5, atol 1e-7 (float32
  // exp and division are ~1e-7 relative).
  minima::test::check_close(dlogits, minima::test::to_tensor(ref["dlogits"]), 1e-5, 1e-7,
                            "dlogits");
  for (int64_t i = 0; i < 5; ++i) {
    double row_sum = 0.0, grad_sum = 0.0;
    for (int64_t j = 0; j < 10; ++j) {
      row_sum += ce.probabilities().at(i, j);
      grad_sum += dlogits.at(i, j);
    }
    CHECK(row_sum == doctest::Approx(1.0).epsilon(1e-6));
    CHECK(std::fabs(grad_sum) < 1e-7);  // softmax - onehot sums to 0 per row
  }
}

TEST_CASE("softmax cross-entropy: extreme logits stay finite and exact") {
  // Row 0 is certain and right (loss ~0), row 1 certain and wrong (loss 2000).
  Tensor logits(Shape{2, 3});
  const float values[] = {1000.0f, -1000.0f, 0.0f, -1000.0f, 1000.0f, 500.0f};
  for (int64_t k = 0; k < 6; ++k) logits[k] = values[k];
  const std::vector<int32_t> labels = {0, 0};
  SoftmaxCrossEntropy ce;
  CHECK(ce.forward(logits, labels) == doctest::Approx((0.0 + 2000.0) / 2).epsilon(1e-6));
  const Tensor& d = ce.backward();
  CHECK(d.at(0, 0) == 0.0f);
  CHECK(d.at(1, 0) == doctest::Approx(-0.5));
  CHECK(d.at(1, 1) == doctest::Approx(0.5));
  CHECK(d.at(1, 2) == 0.0f);  // e^-500 underflows to an exact 0, not NaN
}

TEST_CASE("softmax cross-entropy counts correct predictions") {
  const auto& ref = minima::test::reference()["softmax_cross_entropy"];
  const Tensor logits = minima::test::to_tensor(ref["logits"]);
  std::vector<int32_t> labels(5);
  int64_t expected = 0;
  for (int64_t i = 0; i < 5; ++i) {
    int64_t best = 0;
    for (int64_t j = 1; j < 10; ++j)
      if (logits.at(i, j) > logits.at(i, best)) best = j;
    CHECK(minima::argmax_row(logits, i) == best);
    // Rows 0, 2, 4 labelled with their argmax, rows 1, 3 with something else.
    labels[i] = int32_t(i % 2 == 0 ? best : (best + 1) % 10);
    expected += i % 2 == 0;
  }
  SoftmaxCrossEntropy ce;
  ce.forward(logits, labels);
  CHECK(ce.correct() == expected);
  CHECK(ce.correct() == 3);
  // The reference's own labels.
  ce.forward(logits, ref["labels"].get<std::vector<int32_t>>());
  int64_t hits = 0;
  for (int64_t i = 0; i < 5; ++i)
    hits += minima::argmax_row(logits, i) == ref["labels"][i].get<int64_t>();
  CHECK(ce.correct() == hits);
}

TEST_CASE("argmax_row takes the first of equal maxima") {
  Tensor t(Shape{2, 4});
  const float values[] = {1, 3, 3, 2, -1, -1, -1, -1};
  for (int64_t k = 0; k < 8; ++k) t[k] = values[k];
  CHECK(minima::argmax_row(t, 0) == 1);
  CHECK(minima::argmax_row(t, 1) == 0);
}

TEST_CASE("softmax cross-entropy refuses bad labels and shapes") {
  SoftmaxCrossEntropy ce;
  Tensor logits(Shape{2, 3});
  const std::vector<int32_t> bad = {0, 3}, negative = {-1, 0}, short_labels = {0};
  CHECK_THROWS_WITH_AS(ce.forward(logits, bad), "softmax cross-entropy: label 3 outside [0, 3)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(ce.forward(logits, negative),
                       "softmax cross-entropy: label -1 outside [0, 3)", std::invalid_argument);
  CHECK_THROWS_WITH_AS(ce.forward(logits, short_labels),
                       "softmax cross-entropy: 1 labels for 2 rows of logits",
                       std::invalid_argument);
  Tensor flat(Shape{6});
  CHECK_THROWS_WITH_AS(ce.forward(flat, bad),
                       "softmax cross-entropy: logits must be [N, C], got [6]",
                       std::invalid_argument);
}

// The result sentences of `minima compare` follow the numbers: fed summaries
// where BN wins and where it loses (and where the plain net drifts less).
#include <doctest/doctest.h>

#include <utility>

#include <minima/lesson/compare_page.hpp>
#include <minima/lesson/probes/probe_report.hpp>
#include <minima/lesson/sweep/sweep_sentences.hpp>
#include <minima/lesson/thresholds/threshold_sentences.hpp>
#include "tests/compare_fixtures.hpp"

using namespace minima;
using namespace minima::lesson;

namespace {

// The sentences on speed (a sweep's, or each threshold's and final
// accuracy's) and on drift.
struct Sentences {
  std::vector<std::string> speed, drift;
};
Sentences sentences(const CompareSummary& s) {
  std::vector<std::string> speed = threshold_sentences(s);
  for (const std::string& sentence : sweep_sentences(s)) speed.push_back(sentence);
  return {speed, drift_sentences(s)};
}

// bn_wins() with the two variants' measurements swapped: now "with BN" is
// slower, ends lower and drifts more.
CompareSummary bn_loses() {
  CompareSummary s = test::bn_wins();
  std::swap(s.variants[0].seeds, s.variants[1].seeds);
  return s;
}

}  // namespace

TEST_CASE("result sentences: BN faster, higher, the plain net drifting more, as the numbers say") {
  const Sentences f = sentences(test::bn_wins());
  REQUIRE(f.speed.size() == 3);
  CHECK(f.speed[0] ==
        "90%: with BN needs 100 [100\u2013200] steps; without BN needs 300 [300\u2013400] steps: "
        "with BN is 3.0\u00d7 [2.0\u00d7\u20133.0\u00d7] faster.");
  CHECK(f.speed[1] ==
        "95%: with BN needs 200 [200\u2013300] steps; without BN needs \u2265500 "
        "[500\u2013\u2265500] steps: with BN is 2.5\u00d7 [\u22651.7\u00d7\u2013\u22652.5\u00d7] "
        "faster.");
  CHECK(f.speed[2] ==
        "The final test accuracy with BN 97.50% [97.00%\u201398.00%], without BN 94.00% "
        "[93.00%\u201396.00%]: with BN ends higher (with BN higher in 3 of 3 seeds).");
  REQUIRE(f.drift.size() == 2);
  CHECK(f.drift[0] ==
        "Drift of hidden layer 1: with BN 2.0 [1.5\u20132.5], without BN 8.0 [7.0\u20139.0]: "
        "without BN drifts 4.0\u00d7 as much.");
  CHECK(f.drift[1].find(": without BN drifts 4.0\u00d7 as much.") != std::string::npos);
  // A small difference keeps two decimals.
  CompareSummary close = test::bn_wins();
  for (SeedResult& s : close.variants[1].seeds)
    test::change_probe(s, [](ProbeResult& p) { p.drift[0] = 7.8; });
  CHECK(sentences(close).drift[0].find(": without BN drifts 1.03\u00d7 as much.") !=
        std::string::npos);
}

TEST_CASE(
    "result sentences: when BN does not win and the plain net drifts less, the sentences say so") {
  const Sentences f = sentences(bn_loses());
  REQUIRE(f.speed.size() == 3);
  CHECK(f.speed[0] ==
        "90%: with BN needs 300 [300\u2013400] steps; without BN needs 100 [100\u2013200] steps: "
        "without BN is 3.0\u00d7 [2.0\u00d7\u20133.0\u00d7] faster.");
  CHECK(f.speed[2].find(": without BN ends higher (with BN higher in 0 of 3 seeds).") !=
        std::string::npos);
  REQUIRE(f.drift.size() == 2);
  CHECK(f.drift[0] ==
        "Drift of hidden layer 1: with BN 8.0 [7.0\u20139.0], without BN 2.0 [1.5\u20132.5]: "
        "with BN drifts 4.0\u00d7 as much.");
  for (const auto* sentences : {&f.speed, &f.drift})
    for (const std::string& s : *sentences) {
      CHECK(s.find("with BN is") == std::string::npos);
      CHECK(s.find("with BN ends higher") == std::string::npos);
      CHECK(s.find("without BN drifts") == std::string::npos);
    }
}

TEST_CASE("result sentences: a threshold neither variant reaches is said so, with the steps run") {
  CompareSummary s = test::bn_wins();
  s.measures["thresholds"] = {0.99};
  const Sentences f = sentences(s);
  CHECK(f.speed[0] == "99%: neither with BN nor without BN reaches it (500 steps run).");
  // Only one of them reaches it.
  s.variants[1].seeds[0].accuracy.back().accuracy = 0.995;
  CHECK(sentences(s).speed[0] ==
        "99%: with BN needs \u2265500 [500\u2013\u2265500] steps; without BN does not reach it in "
        "500 steps.");
}

TEST_CASE("result sentences: a sweep names where runs stall and where the variant wins or loses") {
  const Sentences f = sentences(test::lr_sweep());
  REQUIRE(f.speed.size() == 3);
  CHECK(f.speed[0] == "Runs that never reach 90%: without BN, lr=0.1 (final 50.00%).");
  CHECK(f.speed[1] == "with BN ends higher than without BN at lr=0.1; lower at lr=2.");
  CHECK(f.speed[2] ==
        "with BN reaches 95% in fewer steps than without BN at lr=0.1; in more at lr=2.");
  CHECK(f.drift.empty());

  CompareSummary high = test::lr_sweep();
  high.measures["thresholds"] = {0.9, 0.99};
  CHECK(sentences(high).speed[2] ==
        "with BN reaches 99% in fewer steps than without BN at no value; in more at no value; "
        "neither reaches it at lr=0.1 and lr=2.");

  CompareSummary no_stall = test::lr_sweep();
  no_stall.variants[0].seeds[0].accuracy.back().accuracy = 0.91;
  CHECK(sentences(no_stall).speed[0] == "Every run reaches 90% at every value.");

  // With several seeds the words speak of the median seed.
  CompareSummary seeds = test::lr_sweep();
  for (VariantSummary& v : seeds.variants) v.seeds.push_back(v.seeds[0]), v.seeds[1].seed = 1;
  CHECK(sentences(seeds).speed[0] ==
        "Runs whose median seed never reaches 90%: without BN, lr=0.1 (final 50.00%).");
}

TEST_CASE("the report page says what the numbers say when BN loses, and drops the opposite") {
  const std::string losing = compare_report_html(bn_loses());
  CHECK(losing.find("without BN is 3.0\u00d7 [2.0\u00d7\u20133.0\u00d7] faster.") !=
        std::string::npos);
  CHECK(losing.find("without BN ends higher") != std::string::npos);
  CHECK(losing.find("The paper&#39;s claim, checked on this run: it does not hold: with BN&#39;s "
                    "inputs drift more in every hidden layer") != std::string::npos);
  CHECK(losing.find("<td>with BN</td><td>8.0 [7.0\u20139.0]</td>") != std::string::npos);
  CHECK(losing.find("with BN is ") == std::string::npos);
  CHECK(losing.find("without BN drifts") == std::string::npos);
  // The paper's claim stays, marked as the paper's, whatever the run showed.
  CHECK(losing.find("Ioffe &amp; Szegedy (2015) write") != std::string::npos);
  const std::string winning = compare_report_html(test::bn_wins());
  CHECK(winning.find("with BN is ") != std::string::npos);
  CHECK(winning.find("without BN is ") == std::string::npos);
}

// Registry<Entry>: the one name -> entry table behind layers, model
// builders, optimizers and schedules.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <minima/config/registry.hpp>
#include "tests/support.hpp"

using minima::Registry;

TEST_CASE("registry: add, find, contains, names are sorted") {
  Registry<int> numbers("number", "known numbers");
  numbers.add("two", 2);
  numbers.add("one", 1);
  numbers.add("three", 3);
  CHECK(numbers.names() == std::vector<std::string>{"one", "three", "two"});
  CHECK(numbers.contains("one"));
  CHECK_FALSE(numbers.contains("four"));
  REQUIRE(numbers.find("three") != nullptr);
  CHECK(*numbers.find("three") == 3);
  CHECK(numbers.find("four") == nullptr);
  CHECK(numbers.at("two", "/x/type") == 2);
}

TEST_CASE("registry: a name cannot be registered twice") {
  Registry<int> numbers("number");
  numbers.add("one", 1);
  CHECK_THROWS_WITH_AS(numbers.add("one", 11), "number 'one' is registered twice",
                       std::logic_error);
  CHECK(*numbers.find("one") == 1);
  CHECK(numbers.names().size() == 1);
}

TEST_CASE("registry: an unknown name lists the known ones, at the pointer") {
  Registry<int> numbers("number", "known numbers");
  numbers.add("two", 2);
  numbers.add("one", 1);
  CHECK(numbers.unknown("six") == "unknown number 'six'; known numbers: one, two");
  std::string pointer;
  CHECK(minima::test::config_error([&] { numbers.at("six", "/optimizer/type"); }, &pointer) ==
        "/optimizer/type: unknown number 'six'; known numbers: one, two");
  CHECK(pointer == "/optimizer/type");
  // The default label is "known".
  Registry<int> plain("optimizer");
  plain.add("sgd", 0);
  CHECK(plain.unknown("rmsprop") == "unknown optimizer 'rmsprop'; known: sgd");
}

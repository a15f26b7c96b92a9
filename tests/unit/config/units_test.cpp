// Specification of bw::parse_duration and bw::parse_size: strict unit parsers.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "config/units.hpp"

using namespace bw;
using namespace std::chrono_literals;

TEST_CASE("durations are read in ms, s, m, h and d", "[config]") {
  CHECK(*parse_duration("250ms") == 250ms);
  CHECK(*parse_duration("30s") == 30s);
  CHECK(*parse_duration("5m") == 5min);
  CHECK(*parse_duration("1h") == 1h);
  CHECK(*parse_duration("90d") == 90 * 24h);
  CHECK(*parse_duration("0s") == 0ms);
}

TEST_CASE("an empty duration is an error", "[config]") {
  Result<std::chrono::milliseconds> d = parse_duration("");
  REQUIRE_FALSE(d.ok());
  CHECK_THAT(d.error(), Catch::Contains("expected a whole number"));
}

TEST_CASE("a duration without a unit is an error that names the units", "[config]") {
  Result<std::chrono::milliseconds> d = parse_duration("5");
  REQUIRE_FALSE(d.ok());
  CHECK_THAT(d.error(), Catch::Contains("needs a unit"));
}

TEST_CASE("a duration with an unknown unit is an error that names the unit", "[config]") {
  for (const char* text : {"5x", "5sec", "5 s", "5S", "5D", "5w"}) {
    Result<std::chrono::milliseconds> d = parse_duration(text);
    INFO(text);
    REQUIRE_FALSE(d.ok());
    CHECK_THAT(d.error(), Catch::Contains("unknown unit"));
  }
}

TEST_CASE("negative, signed and fractional durations are errors", "[config]") {
  for (const char* text : {"-5s", "+5s", "1.5s", ".5s", " 5s", "s"}) {
    INFO(text);
    CHECK_FALSE(parse_duration(text).ok());
  }
}

TEST_CASE("durations too large for the type are errors", "[config]") {
  for (const char* text : {"99999999999999999999ms", "18446744073709551615h",
                           "9223372036854775808ms", "2562047788016h"}) {
    INFO(text);
    CHECK_FALSE(parse_duration(text).ok());
  }
  CHECK(parse_duration("9223372036854775807ms").ok());
}

TEST_CASE("sizes are read as bytes or with decimal and binary units", "[config]") {
  CHECK(*parse_size("512") == 512);
  CHECK(*parse_size("512B") == 512);
  CHECK(*parse_size("64KiB") == 64 * 1024);
  CHECK(*parse_size("16MiB") == 16 * 1024 * 1024);
  CHECK(*parse_size("1GiB") == 1024ull * 1024 * 1024);
  CHECK(*parse_size("10kB") == 10'000);
  CHECK(*parse_size("5MB") == 5'000'000);
  CHECK(*parse_size("2GB") == 2'000'000'000ull);
  CHECK(*parse_size("0") == 0);
}

TEST_CASE("sizes with unknown units are errors that list the units", "[config]") {
  for (const char* text : {"5kb", "5KB", "5mib", "5 MiB", "5TiB", "5x"}) {
    Result<std::uint64_t> size = parse_size(text);
    INFO(text);
    REQUIRE_FALSE(size.ok());
    CHECK_THAT(size.error(), Catch::Contains("unknown unit"));
  }
}

TEST_CASE("empty, negative and fractional sizes are errors", "[config]") {
  for (const char* text : {"", "-1", "-1KiB", "1.5MiB", "MiB"}) {
    INFO(text);
    CHECK_FALSE(parse_size(text).ok());
  }
}

TEST_CASE("sizes too large for 64 bits are errors", "[config]") {
  CHECK_FALSE(parse_size("18446744073709551616").ok());
  CHECK_FALSE(parse_size("17179869184GiB").ok());
  CHECK(*parse_size("18446744073709551615") == UINT64_MAX);
}

// Specification of bw::changed_keys: what hot reload compares.
#include "config/config_diff.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace bw;
using namespace std::chrono_literals;

TEST_CASE("identical configs have no changed keys", "[config]") {
  const Config before;
  const Config after;
  CHECK(changed_keys(before, after).empty());
}

TEST_CASE("changed keys are named by their path in file order", "[config]") {
  Config before;
  Config after;
  after.web.listen.port = 9000;
  after.log.level = "debug";
  after.log.modules["store"] = "trace";
  after.engine.full_queue_timeout = 1s;
  CHECK(changed_keys(before, after) == std::vector<std::string>{"web.listen",
                                                                "engine.full_queue_timeout",
                                                                "log.level", "log.modules"});
}

TEST_CASE("any change to a source changes the sources key", "[config]") {
  Config before;
  SourceConfig sim;
  sim.name = "sim";
  sim.type = "simulated";
  before.sources.push_back(sim);
  Config after = before;
  CHECK(changed_keys(before, after).empty());
  after.sources[0].interval = 1s;
  CHECK(changed_keys(before, after) == std::vector<std::string>{"sources"});
  after = before;
  after.sources.clear();
  CHECK(changed_keys(before, after) == std::vector<std::string>{"sources"});
}

TEST_CASE("a secret from another origin is a change", "[config]") {
  Config before;
  Config after;
  after.web.metrics_token = Secret{"x", "env X"};
  CHECK(changed_keys(before, after) == std::vector<std::string>{"web.metrics_token"});
}

TEST_CASE("changes to delivery and email keys are reported", "[config]") {
  bw::Config before;
  bw::Config after;
  after.delivery.retry_jitter = 0.5;
  after.email.password = bw::Secret{"new", "env BW_X"};
  auto keys = bw::changed_keys(before, after);
  CHECK(std::find(keys.begin(), keys.end(), "delivery.retry_jitter") != keys.end());
  CHECK(std::find(keys.begin(), keys.end(), "email.password") != keys.end());
}

TEST_CASE("changes to the tls files, auth and stream limits are reported", "[config]") {
  Config before;
  Config after;
  after.tls.cert_file = "cert.pem";
  after.tls.key_file = "key.pem";
  after.auth.max_failures_per_account = 2;
  after.stream.heartbeat = 1s;
  after.stream.max_clients = 5;
  CHECK(changed_keys(before, after) ==
        std::vector<std::string>{"stream.heartbeat", "stream.max_clients",
                                 "auth.max_failures_per_account", "tls.cert_file", "tls.key_file"});
}

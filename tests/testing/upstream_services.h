// ProfileService and VacancyService started for tests of the services that
// read them (matching, notifications, the CLI): real binaries on one Redis,
// accepting the same tokens.
#pragma once

#include <memory>

#include "gtest/gtest.h"
#include "labor/v1/profile.grpc.pb.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "tests/testing/service_harness.h"

namespace labor::testing {

using ProfileHarness = ServiceHarness<v1::ProfileService>;
using VacancyHarness = ServiceHarness<v1::VacancyService>;

// Starts profile_server, then vacancy_server with the profile's tokens,
// into `profile` and `vacancy`; the failure carries the failing server's log.
inline ::testing::AssertionResult StartProfileAndVacancy(const TempDir* dir, int redis_port,
                                                         std::unique_ptr<ProfileHarness>* profile,
                                                         std::unique_ptr<VacancyHarness>* vacancy) {
  *profile = std::make_unique<ProfileHarness>(dir, redis_port, "services/profile/profile_server",
                                              "profile");
  if (auto started = (*profile)->Started(); !started) return started;
  *vacancy = std::make_unique<VacancyHarness>(dir, redis_port, "services/vacancy/vacancy_server",
                                              "vacancy");
  (*vacancy)->ShareTokens((*profile)->tokens());
  return (*vacancy)->Started();
}

}  // namespace labor::testing

// Starts the real profile_server binary (see tests/testing/service_harness.h).
#pragma once

#include "labor/v1/profile.grpc.pb.h"
#include "tests/testing/service_harness.h"

namespace labor::profile::testing {

class ProfileServerHarness : public labor::testing::ServiceHarness<v1::ProfileService> {
 public:
  ProfileServerHarness(const labor::testing::TempDir* dir, int redis_port)
      : ServiceHarness(dir, redis_port, "services/profile/profile_server", "profile") {}
};

}  // namespace labor::profile::testing

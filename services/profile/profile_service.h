// The thin gRPC adapter of ProfileService: authenticate and authorize every
// call, run the domain method on the worker pool (it may block on a synced
// RocksDB write), convert the status once, record metrics.
#pragma once

#include "common/auth.h"
#include "common/metrics.h"
#include "common/rpc_handler.h"
#include "common/thread_pool.h"
#include "labor/v1/profile.grpc.pb.h"
#include "services/profile/profile_manager.h"

namespace labor::profile {

// Which roles may call which ProfileService method (deny by default).
MethodPolicy ProfileMethodPolicy();

class ProfileServiceImpl final : public RpcService<v1::ProfileService> {
 public:
  // All pointers must outlive the service. `metrics` may be null.
  ProfileServiceImpl(ProfileManager* manager, const Authenticator* auth, ThreadPool* pool,
                     Metrics* metrics);

 private:
  ProfileManager* manager_;
};

}  // namespace labor::profile

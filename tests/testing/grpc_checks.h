// Checks integration tests of every service share: health, reflection,
// the events a service published to its Redis Stream, and waiting for a
// condition with a deadline.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis.h"
#include "labor/v1/common.pb.h"

namespace labor::testing {

// The grpc.health.v1 status of `service` (SERVING = 1), or the call's error.
absl::StatusOr<int> HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                                 const std::string& service);

// The raw reflection answer to list_services "*" (contains every service name).
absl::StatusOr<std::string> ReflectionServiceList(const std::shared_ptr<grpc::Channel>& channel);

// The events in `stream`, oldest first (empty when Redis cannot be read).
std::vector<v1::Event> StreamEvents(RedisClient& redis, const std::string& stream);

// Whether `status` is INVALID_ARGUMENT with a violation of exactly `field`.
bool HasFieldViolation(const absl::Status& status, absl::string_view field);

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns
// its last value.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout);

// Waits until the server behind `channel` reports `service` SERVING
// (a server only does once its stores and upstreams are ready).
bool WaitServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                 absl::Duration timeout = absl::Seconds(30));

}  // namespace labor::testing

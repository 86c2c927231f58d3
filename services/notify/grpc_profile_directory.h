// The gRPC ProfileDirectory: a ProfileService client with a contact cache.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/lru_cache.h"
#include "common/server.h"
#include "common/thread_pool.h"
#include "labor/v1/profile.grpc.pb.h"
#include "services/notify/profile_directory.h"

namespace labor::notify {

// The gRPC implementation, with the `service` role's token and a deadline on
// every call.
class GrpcProfileDirectory : public ProfileDirectory {
 public:
  // INVALID_ARGUMENT / NOT_FOUND for unusable TLS settings.
  static absl::StatusOr<std::unique_ptr<GrpcProfileDirectory>> Create(ClientOptions options,
                                                                      size_t cache_capacity);

  absl::StatusOr<Contact> GetContact(const std::string& worker_id) override;
  std::vector<absl::StatusOr<Contact>> GetContacts(
      const std::vector<std::string>& worker_ids) override;
  absl::StatusOr<std::string> WorkerIdForOpenid(const std::string& openid) override;
  absl::StatusOr<std::string> GetPhone(const std::string& worker_id,
                                       const std::string& purpose) override;
  absl::StatusOr<Page> ListWorkers(const v1::ListWorkersRequest& request) override;
  absl::Status RevokeConsent(const std::string& worker_id, v1::Channel channel) override;
  void ApplyEvent(const v1::Event& event) override;

 private:
  // A cached entry: a contact, or a marker that the stored one is stale
  // (an event newer than it arrived) or that the worker is gone.
  struct Entry {
    enum class State { kFresh, kStale, kErased } state = State::kFresh;
    Contact contact;
  };
  GrpcProfileDirectory(ClientOptions options, size_t cache_capacity)
      : options_(std::move(options)), cache_(cache_capacity), fetchers_(kFetchers, 1 << 16) {}
  // The cached answer, if there is one (a contact, or NOT_FOUND for an
  // erased worker).
  std::optional<absl::StatusOr<Contact>> Cached(const std::string& worker_id);
  static constexpr int kFetchers = 8;
  absl::StatusOr<v1::Worker> FetchWorker(const v1::GetWorkerRequest& request);
  void Remember(const v1::Worker& worker);

  ClientOptions options_;
  std::unique_ptr<v1::ProfileService::Stub> stub_;
  // Cache versions are 2 * worker version, +1 for a fetched record: a stale
  // marker at an event's version is replaced by a fetch of that version or
  // newer, never by an older fetch still in flight.
  VersionedLruCache<Entry> cache_;
  ThreadPool fetchers_;  // concurrent GetWorker calls for cache misses
};

}  // namespace labor::notify

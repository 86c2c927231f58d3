// What NotificationService needs to know about workers, from ProfileService:
// how to reach one (openid, phone, consent), who is in a segment, and how to
// record that a worker refused a channel. Contacts are cached and the cache
// follows labor.events.profile, so a consent withdrawn or a worker erased
// stops messages within an event's latency.
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
#include "labor/v1/common.pb.h"
#include "labor/v1/profile.grpc.pb.h"

namespace labor::notify {

struct Contact {
  std::string worker_id;
  int64_t version = 0;
  std::string wechat_openid;  // phones are not cached: GetPhone reads one when an SMS goes out
  std::string hukou_township;
  bool consent_wechat = false;
  bool consent_sms = false;
};

Contact ContactOf(const v1::Worker& worker);

class ProfileDirectory {
 public:
  virtual ~ProfileDirectory() = default;

  // NOT_FOUND when the worker does not exist or was erased; UNAVAILABLE /
  // DEADLINE_EXCEEDED when ProfileService cannot answer (retry later).
  virtual absl::StatusOr<Contact> GetContact(const std::string& worker_id) = 0;
  // GetContact for several workers, one result per id in order. The gRPC
  // directory answers cached ones at once and fetches the others
  // concurrently.
  virtual std::vector<absl::StatusOr<Contact>> GetContacts(
      const std::vector<std::string>& worker_ids) {
    std::vector<absl::StatusOr<Contact>> out;
    out.reserve(worker_ids.size());
    for (const std::string& id : worker_ids) out.push_back(GetContact(id));
    return out;
  }
  // The worker bound to a WeChat openid; NOT_FOUND when none.
  virtual absl::StatusOr<std::string> WorkerIdForOpenid(const std::string& openid) = 0;
  // The worker's full mobile number, for one SMS. ProfileService audits
  // every such read under `purpose` (e.g. the message id). Errors as
  // GetContact.
  virtual absl::StatusOr<std::string> GetPhone(const std::string& worker_id,
                                               const std::string& purpose) = 0;

  struct Page {
    std::vector<v1::Worker> workers;
    std::string next_page_token;  // "" after the last page
  };
  // One page of ListWorkers (role service); the contacts it carries are
  // cached. Errors as GetContact.
  virtual absl::StatusOr<Page> ListWorkers(const v1::ListWorkersRequest& request) = 0;

  // Turns the worker's consent for `channel` off in ProfileService (the
  // worker refused messages there). NOT_FOUND for an unknown worker; other
  // errors are retryable.
  virtual absl::Status RevokeConsent(const std::string& worker_id, v1::Channel channel) = 0;

  // A labor.events.profile event: the cached contact is refreshed on next
  // use (or dropped for good on erasure).
  virtual void ApplyEvent(const v1::Event& event) = 0;
};

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

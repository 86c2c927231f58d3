// What NotificationService needs to know about workers, from ProfileService:
// how to reach one (openid, phone, consent), who is in a segment, and how to
// record that a worker refused a channel. Contacts are cached and the cache
// follows labor.events.profile, so a consent withdrawn or a worker erased
// stops messages within an event's latency. The interface is gRPC-free;
// services/notify/grpc_profile_directory.h implements it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labor/v1/common.pb.h"
#include "labor/v1/profile.pb.h"

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

}  // namespace labor::notify

#include "services/notify/grpc_profile_directory.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "common/grpc_status.h"
#include "common/status.h"

namespace labor::notify {
namespace {

constexpr int64_t kErased = std::numeric_limits<int64_t>::max();
constexpr int kRevokeAttempts = 5;

int64_t FetchedVersion(int64_t version) { return 2 * version + 1; }
int64_t MarkerVersion(int64_t version) { return 2 * version; }

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcProfileDirectory>> GrpcProfileDirectory::Create(
    ClientOptions options, size_t cache_capacity) {
  std::unique_ptr<GrpcProfileDirectory> directory(
      new GrpcProfileDirectory(std::move(options), cache_capacity));
  ASSIGN_OR_RETURN(auto channel, MakeChannel(directory->options_));
  directory->stub_ = v1::ProfileService::NewStub(channel);
  return directory;
}

absl::StatusOr<v1::Worker> GrpcProfileDirectory::FetchWorker(const v1::GetWorkerRequest& request) {
  v1::Worker worker;
  grpc::ClientContext ctx;
  PrepareClientContext(options_, &ctx);
  grpc::Status status = stub_->GetWorker(&ctx, request, &worker);
  if (!status.ok()) return UpstreamError(status, "ProfileService.GetWorker");
  return worker;
}

void GrpcProfileDirectory::Remember(const v1::Worker& worker) {
  auto entry = std::make_shared<Entry>();
  entry->contact = ContactOf(worker);
  cache_.Put(worker.worker_id(), FetchedVersion(worker.version()), std::move(entry));
}

std::optional<absl::StatusOr<Contact>> GrpcProfileDirectory::Cached(const std::string& worker_id) {
  std::shared_ptr<const Entry> hit = cache_.Get(worker_id);
  if (hit == nullptr || hit->state == Entry::State::kStale) return std::nullopt;
  if (hit->state == Entry::State::kErased) {
    return absl::StatusOr<Contact>(
        absl::NotFoundError(absl::StrCat("worker ", worker_id, " was erased")));
  }
  return absl::StatusOr<Contact>(hit->contact);
}

std::vector<absl::StatusOr<Contact>> GrpcProfileDirectory::GetContacts(
    const std::vector<std::string>& worker_ids) {
  std::vector<absl::StatusOr<Contact>> out(worker_ids.size(),
                                           absl::UnavailableError("not fetched"));
  std::vector<size_t> misses;
  for (size_t i = 0; i < worker_ids.size(); ++i) {
    if (auto cached = Cached(worker_ids[i])) {
      out[i] = *std::move(cached);
    } else {
      misses.push_back(i);
    }
  }
  if (misses.size() == 1) {
    out[misses[0]] = GetContact(worker_ids[misses[0]]);
  } else if (!misses.empty()) {
    absl::BlockingCounter done(static_cast<int>(misses.size()));
    for (size_t i : misses) {
      auto fetch = [this, &out, &worker_ids, &done, i] {
        out[i] = GetContact(worker_ids[i]);
        done.DecrementCount();
      };
      if (!fetchers_.Submit(fetch)) fetch();
    }
    done.Wait();
  }
  return out;
}

absl::StatusOr<Contact> GrpcProfileDirectory::GetContact(const std::string& worker_id) {
  if (auto cached = Cached(worker_id)) return *std::move(cached);
  v1::GetWorkerRequest request;
  request.set_worker_id(worker_id);
  ASSIGN_OR_RETURN(v1::Worker worker, FetchWorker(request));
  Remember(worker);
  return ContactOf(worker);
}

absl::StatusOr<std::string> GrpcProfileDirectory::WorkerIdForOpenid(const std::string& openid) {
  v1::GetWorkerRequest request;
  request.set_wechat_openid(openid);
  ASSIGN_OR_RETURN(v1::Worker worker, FetchWorker(request));
  Remember(worker);
  return worker.worker_id();
}

absl::StatusOr<std::string> GrpcProfileDirectory::GetPhone(const std::string& worker_id,
                                                           const std::string& purpose) {
  v1::GetWorkerRequest request;
  request.set_worker_id(worker_id);
  request.set_reveal_phone(true);
  request.set_purpose(purpose);
  ASSIGN_OR_RETURN(v1::Worker worker, FetchWorker(request));
  if (worker.phone().empty()) return absl::NotFoundError("the worker has no phone number");
  return worker.phone();
}

absl::StatusOr<ProfileDirectory::Page> GrpcProfileDirectory::ListWorkers(
    const v1::ListWorkersRequest& request) {
  v1::ListWorkersResponse response;
  grpc::ClientContext ctx;
  PrepareClientContext(options_, &ctx);
  grpc::Status status = stub_->ListWorkers(&ctx, request, &response);
  if (!status.ok()) return UpstreamError(status, "ProfileService.ListWorkers");
  Page page;
  page.next_page_token = response.page().next_page_token();
  page.workers.reserve(response.workers_size());
  for (v1::Worker& worker : *response.mutable_workers()) {
    Remember(worker);
    page.workers.push_back(std::move(worker));
  }
  return page;
}

absl::Status GrpcProfileDirectory::RevokeConsent(const std::string& worker_id,
                                                 v1::Channel channel) {
  if (channel != v1::CHANNEL_WECHAT && channel != v1::CHANNEL_SMS) {
    return absl::InvalidArgumentError("only WeChat and SMS consent can be revoked");
  }
  absl::Status last;
  for (int attempt = 0; attempt < kRevokeAttempts; ++attempt) {
    v1::GetWorkerRequest get;
    get.set_worker_id(worker_id);
    ASSIGN_OR_RETURN(v1::Worker worker, FetchWorker(get));
    v1::Consent consent = worker.consent();
    if (channel == v1::CHANNEL_WECHAT ? !consent.wechat() : !consent.sms()) {
      Remember(worker);
      return absl::OkStatus();
    }
    if (channel == v1::CHANNEL_WECHAT) {
      consent.set_wechat(false);
    } else {
      consent.set_sms(false);
    }
    v1::UpdateWorkerRequest update;
    update.mutable_worker()->set_worker_id(worker_id);
    *update.mutable_worker()->mutable_consent() = consent;
    update.mutable_worker()->mutable_consent()->clear_updated_at();
    update.mutable_update_mask()->add_paths("consent");
    update.set_expected_version(worker.version());
    v1::Worker updated;
    grpc::ClientContext ctx;
    PrepareClientContext(options_, &ctx);
    grpc::Status status = stub_->UpdateWorker(&ctx, update, &updated);
    if (status.ok()) {
      Remember(updated);
      return absl::OkStatus();
    }
    last = UpstreamError(status, "ProfileService.UpdateWorker");
    // Someone else changed the worker in between: read again and retry.
    if (status.error_code() != grpc::StatusCode::ABORTED) return last;
  }
  return last;
}

void GrpcProfileDirectory::ApplyEvent(const v1::Event& event) {
  if (event.entity_id().empty()) return;
  auto entry = std::make_shared<Entry>();
  if (event.type() == "worker.erased" || event.entity_version() == kErased) {
    entry->state = Entry::State::kErased;
    cache_.Put(event.entity_id(), kErased, std::move(entry));
    return;
  }
  entry->state = Entry::State::kStale;
  cache_.Put(event.entity_id(), MarkerVersion(event.entity_version()), std::move(entry));
}

}  // namespace labor::notify

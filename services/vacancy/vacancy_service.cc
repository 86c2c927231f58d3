#include "services/vacancy/vacancy_service.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/status.h"

namespace labor::vacancy {
namespace {

constexpr absl::string_view kService = "labor.v1.VacancyService";
constexpr int kMaxChunkItems = 1000;

// The two import streams differ only in how items arrive and results leave:
// one per message, or a chunk per message.

// Moves a message's items to `items`; INVALID_ARGUMENT for an oversized
// chunk (nothing is taken).
absl::Status Unpack(v1::ImportItem& in, std::vector<v1::ImportItem>* items) {
  items->push_back(std::move(in));
  return absl::OkStatus();
}
absl::Status Unpack(v1::ImportChunk& in, std::vector<v1::ImportItem>* items) {
  if (in.items_size() > kMaxChunkItems) {
    return absl::InvalidArgumentError(absl::StrCat("items: a chunk holds at most ", kMaxChunkItems,
                                                   " items, this one ", in.items_size()));
  }
  items->reserve(static_cast<size_t>(in.items_size()));
  for (v1::ImportItem& item : *in.mutable_items()) items->push_back(std::move(item));
  return absl::OkStatus();
}

void AddResult(v1::ImportResult result, v1::ImportResult* out) { *out = std::move(result); }
void AddResult(v1::ImportResult result, v1::ImportChunkResult* out) {
  *out->add_results() = std::move(result);
}

}  // namespace

MethodPolicy VacancyMethodPolicy() {
  using R = Role;
  auto m = [](absl::string_view method) { return absl::StrCat("/", kService, "/", method); };
  const std::vector<Role> everyone = {R::kAdmin, R::kKiosk, R::kWechat, R::kPartner, R::kService};
  MethodPolicy policy;
  policy.Allow(m("UpsertEmployer"), {R::kAdmin, R::kService})
      .Allow(m("GetEmployer"), everyone)
      .Allow(m("BlacklistEmployer"), {R::kAdmin})
      .Allow(m("LiftBlacklist"), {R::kAdmin})
      // The blacklist is public information (it is published by the authorities).
      .Allow(m("IsBlacklisted"), everyone)
      .Allow(m("ListBlacklist"), everyone)
      .Allow(m("PostVacancy"), {R::kAdmin, R::kService})
      .Allow(m("GetVacancy"), everyone)
      .Allow(m("UpdateVacancy"), {R::kAdmin, R::kService})
      .Allow(m("ChangeVacancyStatus"), {R::kAdmin, R::kService, R::kPartner})
      .Allow(m("ListVacancies"), everyone)
      .Allow(m("CreateFair"), {R::kAdmin})
      .Allow(m("GetFair"), everyone)
      .Allow(m("AttachToFair"), {R::kAdmin})
      .Allow(m("CheckIn"), {R::kAdmin, R::kKiosk})
      .Allow(m("GetFairStats"), {R::kAdmin, R::kKiosk})
      .Allow(m("ListFairs"), everyone)
      .Allow(m("ImportVacancies"), {R::kPartner})
      .Allow(m("ImportVacancyChunks"), {R::kPartner});
  return policy;
}

// One import stream: the gRPC side of an ImportPipeline, which decides
// what happens next (`In` is an ImportItem or an ImportChunk). This class
// parses what arrives, serializes what leaves and ends the call.
template <typename In, typename Out>
class VacancyServiceImpl::ImportReactor
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
      private ImportPipeline::Transport {
 public:
  ImportReactor(VacancyServiceImpl* service, grpc::CallbackServerContext* ctx, const char* method)
      : service_(service), method_(method), start_(absl::Now()) {
    absl::StatusOr<Caller> caller = service_->dispatch_.Admit(*ctx, method_);
    if (!caller.ok()) {
      FinishWith(caller.status());
      return;
    }
    pipeline_.emplace(service_->manager_, service_->dispatch_.pool(), *std::move(caller),
                      service_->options_, static_cast<ImportPipeline::Transport*>(this));
    std::optional<int64_t> watch =
        service_->dispatch_.drain()->Watch([this] { pipeline_->StopForShutdown(); });
    if (!watch.has_value()) {
      pipeline_->Refuse(ShuttingDownError());
      return;
    }
    watch_ = *watch;
    pipeline_->Start();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      pipeline_->OnReadEnd();
      return;
    }
    std::vector<v1::ImportItem> items;
    absl::Status taken = Take(&items);
    // The pipeline may start the next read into incoming_ at once.
    incoming_.Clear();
    if (taken.ok()) {
      pipeline_->OnMessage(std::move(items));
    } else {
      pipeline_->OnBadMessage(taken);
    }
  }

  void OnWriteDone(bool ok) override {
    pipeline_->OnWriteDone(ok ? absl::OkStatus()
                              : absl::CancelledError("the client stopped reading results"));
  }

  void OnCancel() override {
    if (pipeline_.has_value()) pipeline_->OnCancel();
  }

  void OnDone() override {
    if (watch_ != 0) service_->dispatch_.drain()->Unwatch(watch_);
    delete this;
  }

 private:
  // Parses the message just read and moves its items to `items`.
  // INVALID_ARGUMENT when it does not parse (naming its position) or holds
  // too many items (nothing is taken).
  absl::Status Take(std::vector<v1::ImportItem>* items) {
    In message;
    RETURN_IF_ERROR(ParseStreamMessage(incoming_, messages_read_++, &message));
    return Unpack(message, items);
  }

  void ReadNext() override { this->StartRead(&incoming_); }

  void WriteResults(std::vector<v1::ImportResult> results) override {
    current_write_.Clear();
    for (v1::ImportResult& result : results) AddResult(std::move(result), &current_write_);
    absl::Status serialized = SerializeResponse(current_write_, &write_bytes_);
    if (!serialized.ok()) {
      pipeline_->OnWriteDone(serialized);
      return;
    }
    // No buffer hint on these writes: a hinted first message may be held
    // back without its write ever completing (a stalled stream was seen).
    this->StartWrite(&write_bytes_);
  }

  void End(const absl::Status& status) override { FinishWith(status); }

  void FinishWith(const absl::Status& status) {
    service_->dispatch_.RecordStreamEnd(method_, start_, status);
    this->Finish(ToGrpcStatus(status));
  }

  VacancyServiceImpl* service_;
  const char* const method_;
  const absl::Time start_;
  int64_t watch_ = 0;                       // the drain watcher, 0 = none
  int64_t messages_read_ = 0;               // reads are one at a time
  grpc::ByteBuffer incoming_;               // owned by the outstanding read
  Out current_write_;                       // the results of the outstanding write...
  grpc::ByteBuffer write_bytes_;            // ...serialized, owned by it
  std::optional<ImportPipeline> pipeline_;  // none when the call was refused
};

VacancyServiceImpl::VacancyServiceImpl(VacancyManager* manager, const Authenticator* auth,
                                       ThreadPool* pool, Metrics* metrics,
                                       VacancyServiceOptions options)
    : RpcService(auth, pool, metrics), manager_(manager), options_(options) {
  using M = VacancyManager;
  Unary("UpsertEmployer", manager_, &M::UpsertEmployer);
  Unary("GetEmployer", manager_, &M::GetEmployer);
  Unary("BlacklistEmployer", manager_, &M::BlacklistEmployer);
  Unary("LiftBlacklist", manager_, &M::LiftBlacklist);
  Unary("IsBlacklisted", manager_, &M::IsBlacklisted);
  Unary("ListBlacklist", manager_, &M::ListBlacklist);
  Unary("PostVacancy", manager_, &M::PostVacancy);
  Unary("GetVacancy", manager_, &M::GetVacancy);
  Unary("UpdateVacancy", manager_, &M::UpdateVacancy);
  Unary("ChangeVacancyStatus", manager_, &M::ChangeVacancyStatus);
  Unary("ListVacancies", manager_, &M::ListVacancies);
  Unary("CreateFair", manager_, &M::CreateFair);
  Unary("GetFair", manager_, &M::GetFair);
  Unary("AttachToFair", manager_, &M::AttachToFair);
  Unary("CheckIn", manager_, &M::CheckIn);
  Unary("GetFairStats", manager_, &M::GetFairStats);
  Unary("ListFairs", manager_, &M::ListFairs);
  BidiStreaming("ImportVacancies", [this](grpc::CallbackServerContext* ctx) {
    return new ImportReactor<v1::ImportItem, v1::ImportResult>(this, ctx, "ImportVacancies");
  });
  BidiStreaming("ImportVacancyChunks", [this](grpc::CallbackServerContext* ctx) {
    return new ImportReactor<v1::ImportChunk, v1::ImportChunkResult>(this, ctx,
                                                                     "ImportVacancyChunks");
  });
}

}  // namespace labor::vacancy

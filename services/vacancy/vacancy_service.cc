#include "services/vacancy/vacancy_service.h"

#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/status.h"

namespace labor::vacancy {
namespace {

constexpr absl::string_view kService = "labor.v1.VacancyService";
constexpr int kMaxChunkItems = 1000;

// The two import streams differ only in how items arrive and results leave:
// one per message, or a chunk per message.

// Moves a message's items to `pending` and returns how many there were;
// INVALID_ARGUMENT for an oversized chunk (nothing is taken).
absl::StatusOr<size_t> Unpack(v1::ImportItem& in, std::deque<v1::ImportItem>* pending) {
  pending->push_back(std::move(in));
  return 1;
}
absl::StatusOr<size_t> Unpack(v1::ImportChunk& in, std::deque<v1::ImportItem>* pending) {
  if (in.items_size() > kMaxChunkItems) {
    return absl::InvalidArgumentError(absl::StrCat("items: a chunk holds at most ", kMaxChunkItems,
                                                   " items, this one ", in.items_size()));
  }
  for (v1::ImportItem& item : *in.mutable_items()) pending->push_back(std::move(item));
  return static_cast<size_t>(in.items_size());
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

// One import stream, as a pipeline: reads run ahead (bounded); a batch is
// prepared (validated, normalized, fingerprinted: no lock) on one pool
// thread while the previous batch is applied and committed on another;
// results go out in item order, one message per incoming message (`In` is
// an ImportItem or an ImportChunk). Decisions are made under mu_; gRPC
// operations start after it is released.
template <typename In, typename Out>
class VacancyServiceImpl::ImportReactor
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  ImportReactor(VacancyServiceImpl* service, grpc::CallbackServerContext* ctx, const char* method)
      : service_(service), method_(method), start_(absl::Now()) {
    absl::StatusOr<Caller> caller = service_->dispatch_.Admit(*ctx, method_);
    std::optional<int64_t> watch;
    if (caller.ok()) {
      watch = service_->dispatch_.drain()->Watch([this] { StopForShutdown(); });
      if (!watch.has_value()) caller = ShuttingDownError();
    }
    if (!caller.ok()) {
      {
        absl::MutexLock lock(&mu_);
        finished_ = true;
      }
      FinishWith(caller.status());
      return;
    }
    watch_ = *watch;
    caller_ = *std::move(caller);
    {
      absl::MutexLock lock(&mu_);
      reading_ = true;
    }
    this->StartRead(&incoming_);
  }

  void OnReadDone(bool ok) override {
    Actions actions;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (!ok) {
        read_done_ = true;
      } else if (!stop_reading_) {  // else shutting down: the message is not taken
        absl::StatusOr<size_t> n = ParseAndUnpack();
        if (n.ok()) {
          message_sizes_.push_back(*n);
        } else {
          // Answer everything before the bad message, then end the stream.
          read_done_ = true;
          final_status_ = n.status();
        }
        ++messages_read_;
      }
      incoming_.Clear();
      Plan(&actions);
    }
    Run(actions);
  }

  void OnWriteDone(bool ok) override {
    Actions actions;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok && error_.ok()) error_ = absl::CancelledError("the client stopped reading results");
      Plan(&actions);
    }
    Run(actions);
  }

  void OnCancel() override {
    Actions actions;
    {
      absl::MutexLock lock(&mu_);
      if (error_.ok()) error_ = absl::CancelledError("the client cancelled the import");
      Plan(&actions);
    }
    Run(actions);
  }

  void OnDone() override {
    if (watch_ != 0) service_->dispatch_.drain()->Unwatch(watch_);
    delete this;
  }

 private:
  struct Actions {
    bool read = false;
    const grpc::ByteBuffer* write = nullptr;
    std::vector<v1::ImportItem> prepare;
    std::optional<VacancyManager::PreparedImport> apply;
    int64_t apply_ticket = 0;
    bool finish = false;
    absl::Status status;
  };

  // Parses the message just read and moves its items to pending_; how many
  // there were. INVALID_ARGUMENT when it does not parse (naming its
  // position) or holds too many items (nothing is taken).
  absl::StatusOr<size_t> ParseAndUnpack() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    In message;
    RETURN_IF_ERROR(ParseStreamMessage(incoming_, messages_read_, &message));
    return Unpack(message, &pending_);
  }

  // The server is shutting down: no more reads; what was read is still
  // answered, then the stream ends UNAVAILABLE (the client resends the
  // items not answered, after the restart or to another instance).
  void StopForShutdown() {
    Actions actions;
    {
      absl::MutexLock lock(&mu_);
      // A client that had sent everything gets its answers and OK.
      if (final_status_.ok() && !read_done_) {
        final_status_ = absl::UnavailableError(
            "the server is shutting down: the items answered were taken, the rest were not; "
            "send them again");
      }
      stop_reading_ = true;
      Plan(&actions);
    }
    Run(actions);
  }

  // Decides the next steps from the state (under mu_).
  void Plan(Actions* actions) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    const auto& opts = service_->options_;
    if (error_.ok() && !reading_ && !read_done_ && !stop_reading_ &&
        static_cast<int>(pending_.size()) < opts.max_pending_items) {
      reading_ = true;
      actions->read = true;
    }
    // The results held back may not stop the oldest message from being
    // answered (a chunk may be larger than the limit).
    const size_t unwritten_limit = std::max(static_cast<size_t>(opts.max_unwritten_results),
                                            message_sizes_.empty() ? 0 : message_sizes_.front());
    if (error_.ok() && !preparing_ && prepared_.empty() && !pending_.empty() &&
        unwritten_.size() < unwritten_limit) {
      preparing_ = true;
      const size_t n = std::min<size_t>(pending_.size(), static_cast<size_t>(opts.max_batch_items));
      actions->prepare.assign(std::make_move_iterator(pending_.begin()),
                              std::make_move_iterator(pending_.begin() + static_cast<long>(n)));
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(n));
    }
    if (error_.ok() && !applying_ && !prepared_.empty()) {
      applying_ = true;
      actions->apply = std::move(prepared_.front());
      actions->apply_ticket = next_ticket_++;
      prepared_.pop_front();
    }
    // The next message's results, once all of them are there.
    if (!writing_ && !message_sizes_.empty() && unwritten_.size() >= message_sizes_.front() &&
        error_.ok()) {
      writing_ = true;
      current_write_.Clear();
      for (size_t i = message_sizes_.front(); i > 0; --i) {
        AddResult(std::move(unwritten_.front()), &current_write_);
        unwritten_.pop_front();
      }
      message_sizes_.pop_front();
      absl::Status serialized = SerializeResponse(current_write_, &write_bytes_);
      if (serialized.ok()) {
        actions->write = &write_bytes_;
      } else {
        writing_ = false;
        error_ = serialized;
      }
    }
    // After an error, an outstanding read is cancelled by finishing.
    const bool drained = (read_done_ || stop_reading_) && pending_.empty() && prepared_.empty() &&
                         done_.empty() && message_sizes_.empty();
    if (!preparing_ && !applying_ && publishing_ == 0 && !writing_ && (drained || !error_.ok())) {
      finished_ = true;
      actions->finish = true;
      actions->status = error_.ok() ? final_status_ : error_;
    }
  }

  void Run(Actions& actions) {
    if (actions.read) this->StartRead(&incoming_);
    // No buffer hint on these writes: a hinted first message may be held
    // back without its write ever completing (a stalled stream was seen).
    if (actions.write != nullptr) this->StartWrite(actions.write);
    if (!actions.prepare.empty()) Prepare(std::move(actions.prepare));
    if (actions.apply.has_value()) Apply(std::move(*actions.apply), actions.apply_ticket);
    if (actions.finish) FinishWith(actions.status);
  }

  void Prepare(std::vector<v1::ImportItem> batch) {
    Submit(
        [this, batch = std::move(batch)]() mutable {
          VacancyManager::PreparedImport prepared =
              service_->manager_->PrepareImport(std::move(batch));
          Actions actions;
          {
            absl::MutexLock lock(&mu_);
            preparing_ = false;
            prepared_.push_back(std::move(prepared));
            Plan(&actions);
          }
          Run(actions);
        },
        &ImportReactor::preparing_);
  }

  // Applies a prepared batch. As soon as it is decided (its write may still
  // be in flight) the next batch may be applied; results still leave in
  // batch order (tickets), each once its own batch is durable.
  void Apply(VacancyManager::PreparedImport prepared, int64_t ticket) {
    Submit(
        [this, prepared = std::move(prepared), ticket]() mutable {
          bool committed = false;
          auto on_committed = [this, &committed] {
            committed = true;
            Actions actions;
            {
              absl::MutexLock lock(&mu_);
              applying_ = false;
              ++publishing_;
              Plan(&actions);
            }
            Run(actions);
          };
          absl::StatusOr<std::vector<v1::ImportResult>> results =
              service_->manager_->ApplyImport(caller_, std::move(prepared), on_committed);
          Actions actions;
          {
            absl::MutexLock lock(&mu_);
            if (committed) {
              --publishing_;
            } else {
              applying_ = false;
            }
            if (results.ok()) {
              done_.emplace(ticket, *std::move(results));
              for (auto it = done_.begin(); it != done_.end() && it->first == next_emit_;
                   it = done_.erase(it), ++next_emit_) {
                for (auto& r : it->second) unwritten_.push_back(std::move(r));
              }
            } else if (error_.ok()) {
              error_ = results.status();
            }
            Plan(&actions);
          }
          Run(actions);
        },
        &ImportReactor::applying_);
  }

  // Runs `work` on the pool; a full pool ends the stream with
  // RESOURCE_EXHAUSTED (`work` is then dropped and the stage is idle).
  template <typename Work>
  void Submit(Work work, bool ImportReactor::*stage) {
    if (service_->dispatch_.pool()->Submit(std::move(work))) return;
    Actions actions;
    {
      absl::MutexLock lock(&mu_);
      this->*stage = false;
      if (error_.ok()) error_ = absl::ResourceExhaustedError("server is busy; retry with backoff");
      Plan(&actions);
    }
    Run(actions);
  }

  void FinishWith(const absl::Status& status) {
    service_->dispatch_.RecordStreamEnd(method_, start_, status);
    this->Finish(ToGrpcStatus(status));
  }

  VacancyServiceImpl* service_;
  const char* const method_;
  const absl::Time start_;
  Caller caller_;
  int64_t watch_ = 0;             // the drain watcher, 0 = none
  grpc::ByteBuffer incoming_;     // owned by the outstanding read
  Out current_write_;             // the results of the outstanding write...
  grpc::ByteBuffer write_bytes_;  // ...serialized, owned by it
  absl::Mutex mu_;
  std::deque<v1::ImportItem> pending_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::ImportResult> unwritten_ ABSL_GUARDED_BY(mu_);
  // Items in each message read and not yet answered, oldest first.
  std::deque<size_t> message_sizes_ ABSL_GUARDED_BY(mu_);
  absl::Status final_status_ ABSL_GUARDED_BY(mu_);  // after the last answer
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool read_done_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_reading_ ABSL_GUARDED_BY(mu_) = false;  // shutting down
  int64_t messages_read_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<VacancyManager::PreparedImport> prepared_ ABSL_GUARDED_BY(mu_);
  bool preparing_ ABSL_GUARDED_BY(mu_) = false;
  bool applying_ ABSL_GUARDED_BY(mu_) = false;  // deciding + committing (writer lock)
  int publishing_ ABSL_GUARDED_BY(mu_) = 0;     // committed, updating index and cache
  int64_t next_ticket_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_emit_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int64_t, std::vector<v1::ImportResult>> done_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
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

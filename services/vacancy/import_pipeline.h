// The scheduling of one import stream, free of gRPC: reads run ahead
// (bounded); a batch is prepared (validated, normalized, fingerprinted: no
// lock) on one pool thread while the previous batch is applied and committed
// on another; results go out in item order, one write per incoming message.
// The transport (VacancyService's ImportReactor) reports its events here and
// performs what the pipeline asks of it: read, write, finish. Decisions are
// made under mu_; the transport's operations start after it is released.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/caller.h"
#include "common/thread_pool.h"
#include "labor/v1/vacancy.pb.h"
#include "services/vacancy/vacancy_manager.h"

namespace labor::vacancy {

struct ImportPipelineOptions {
  // Most import items committed in one WriteBatch (one synced write).
  // Larger batches spend fewer WAL syncs per item; other writers wait for
  // a batch under the writer lock (~100 ms at 1,024 items on two cores).
  int max_batch_items = 1024;
  // Items read ahead of the batch being committed; reading pauses above it
  // (the client's sends then wait: flow control, not memory growth).
  int max_pending_items = 2048;
  // Results not yet written to the client; processing pauses above it.
  int max_unwritten_results = 4096;
};

class ImportPipeline {
 public:
  // What the pipeline asks of the stream. Called without the pipeline's
  // lock held; each may call back into the pipeline.
  class Transport {
   public:
    virtual ~Transport() = default;
    // Reads the next message; answer with OnMessage, OnBadMessage or OnReadEnd.
    virtual void ReadNext() = 0;
    // Writes the results of the oldest unanswered message; answer with OnWriteDone.
    virtual void WriteResults(std::vector<v1::ImportResult> results) = 0;
    // Ends the stream with `status`; called once, when nothing is in flight.
    virtual void End(const absl::Status& status) = 0;
  };

  // All pointers must outlive the pipeline.
  ImportPipeline(VacancyManager* manager, ThreadPool* pool, Caller caller,
                 ImportPipelineOptions options, Transport* transport)
      : manager_(manager),
        pool_(pool),
        caller_(std::move(caller)),
        options_(options),
        transport_(transport) {}

  // Starts the first read.
  void Start();
  // Ends a stream that was refused before it started (End(status)).
  void Refuse(const absl::Status& status);

  // The items of one message read.
  void OnMessage(std::vector<v1::ImportItem> items);
  // A message that does not parse, or holds too many items: everything
  // before it is answered, then the stream ends with `status`.
  void OnBadMessage(const absl::Status& status);
  // The client has sent everything.
  void OnReadEnd();
  // The last write completed; not OK when the client stopped reading.
  void OnWriteDone(const absl::Status& status);
  void OnCancel();
  // The server is shutting down: no more reads; what was read is still
  // answered, then the stream ends UNAVAILABLE (the client resends the
  // items not answered, after the restart or to another instance).
  void StopForShutdown();

 private:
  struct Actions {
    bool read = false;
    std::optional<std::vector<v1::ImportResult>> write;
    std::vector<v1::ImportItem> prepare;
    std::optional<VacancyManager::PreparedImport> apply;
    int64_t apply_ticket = 0;
    bool finish = false;
    absl::Status status;
  };

  // Decides the next steps from the state.
  void Plan(Actions* actions) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Run(Actions& actions);
  void Prepare(std::vector<v1::ImportItem> batch);
  void Apply(VacancyManager::PreparedImport prepared, int64_t ticket);
  // Runs `work` on the pool; a full pool ends the stream with
  // RESOURCE_EXHAUSTED (`work` is then dropped and the stage is idle).
  void Submit(std::function<void()> work, bool ImportPipeline::*stage);
  // Plans and runs after `update` changed the state under mu_.
  template <typename Update>
  void Step(Update update) {
    Actions actions;
    {
      absl::MutexLock lock(&mu_);
      update();
      Plan(&actions);
    }
    Run(actions);
  }

  VacancyManager* const manager_;
  ThreadPool* const pool_;
  const Caller caller_;
  const ImportPipelineOptions options_;
  Transport* const transport_;

  absl::Mutex mu_;
  std::deque<v1::ImportItem> pending_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::ImportResult> unwritten_ ABSL_GUARDED_BY(mu_);
  // Items in each message read and not yet answered, oldest first.
  std::deque<size_t> message_sizes_ ABSL_GUARDED_BY(mu_);
  absl::Status final_status_ ABSL_GUARDED_BY(mu_);  // after the last answer
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool read_done_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_reading_ ABSL_GUARDED_BY(mu_) = false;  // shutting down
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

}  // namespace labor::vacancy

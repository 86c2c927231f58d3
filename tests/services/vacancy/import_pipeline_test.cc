// The import stream's scheduling without gRPC: a scripted transport feeds
// messages and takes the writes; the real manager and store apply batches.

#include "services/vacancy/import_pipeline.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/thread_pool.h"
#include "gtest/gtest.h"
#include "tests/services/vacancy/vacancy_fixture.h"

namespace labor::vacancy {
namespace {

using testing::MakeCaller;

// One scripted read: a message's external ids, a bad message, or the end.
struct ReadEnd {};
using Read = std::variant<std::vector<std::string>, absl::Status, ReadEnd>;

// Answers reads from the script (a read past its end stays outstanding) and
// completes every write at once, with `write_status`.
class ScriptedTransport : public ImportPipeline::Transport {
 public:
  ScriptedTransport(std::deque<Read> script, absl::Status write_status = absl::OkStatus())
      : script_(std::move(script)), write_status_(std::move(write_status)) {}
  void set_pipeline(ImportPipeline* pipeline) { pipeline_ = pipeline; }

  void ReadNext() override {
    std::optional<Read> next;
    {
      absl::MutexLock lock(&mu_);
      if (script_.empty()) return;
      next = std::move(script_.front());
      script_.pop_front();
    }
    if (auto* ids = std::get_if<std::vector<std::string>>(&*next)) {
      std::vector<v1::ImportItem> items;
      for (const std::string& id : *ids) items.emplace_back().set_external_id(id);
      pipeline_->OnMessage(std::move(items));
    } else if (auto* status = std::get_if<absl::Status>(&*next)) {
      pipeline_->OnBadMessage(*status);
    } else {
      pipeline_->OnReadEnd();
    }
  }

  void WriteResults(std::vector<v1::ImportResult> results) override {
    std::vector<std::string> ids;
    for (const v1::ImportResult& r : results) {
      EXPECT_NE(r.outcome(), v1::ImportResult::OUTCOME_UNSPECIFIED) << r.external_id();
      ids.push_back(r.external_id());
    }
    {
      absl::MutexLock lock(&mu_);
      writes_.push_back(std::move(ids));
    }
    pipeline_->OnWriteDone(write_status_);
  }

  void End(const absl::Status& status) override {
    EXPECT_FALSE(ended_.HasBeenNotified()) << "ended twice";
    end_status_ = status;
    ended_.Notify();
  }

  // The stream's final status (after up to 30 s).
  absl::Status WaitForEnd() {
    EXPECT_TRUE(ended_.WaitForNotificationWithTimeout(absl::Seconds(30)));
    return end_status_;
  }
  std::vector<std::vector<std::string>> writes() {
    absl::MutexLock lock(&mu_);
    return writes_;
  }

 private:
  ImportPipeline* pipeline_ = nullptr;
  absl::Mutex mu_;
  std::deque<Read> script_ ABSL_GUARDED_BY(mu_);
  std::vector<std::vector<std::string>> writes_ ABSL_GUARDED_BY(mu_);
  const absl::Status write_status_;
  absl::Notification ended_;
  absl::Status end_status_;
};

class ImportPipelineTest : public testing::VacancyFixture {
 protected:
  // Streams `script` through a pipeline over the real manager; small batches
  // so that several are prepared and applied while others are in flight.
  absl::Status Stream(ScriptedTransport* transport, bool stop_for_shutdown = false) {
    ImportPipelineOptions options;
    options.max_batch_items = 2;
    options.max_pending_items = 3;
    options.max_unwritten_results = 3;
    auto pool = std::make_unique<ThreadPool>(2, 64);
    ImportPipeline pipeline(manager_.get(), pool.get(), MakeCaller(Role::kPartner, "dongguan-hrss"),
                            options, transport);
    transport->set_pipeline(&pipeline);
    pipeline.Start();
    if (stop_for_shutdown) pipeline.StopForShutdown();
    absl::Status status = transport->WaitForEnd();
    pool.reset();  // joins: no task may outlive the pipeline
    return status;
  }
};

using Ids = std::vector<std::string>;

TEST_F(ImportPipelineTest, AnswersEveryMessageInOrderThenEndsOk) {
  ScriptedTransport transport(
      {Ids{"a1", "a2", "a3"}, Ids{"b1"}, Ids{}, Ids{"c1", "c2", "c3", "c4", "c5"}, ReadEnd{}});
  EXPECT_TRUE(Stream(&transport).ok());
  EXPECT_EQ(transport.writes(),
            (std::vector<Ids>{{"a1", "a2", "a3"}, {"b1"}, {}, {"c1", "c2", "c3", "c4", "c5"}}));
}

TEST_F(ImportPipelineTest, BadMessageEndsTheStreamAfterAnsweringTheOnesBefore) {
  ScriptedTransport transport(
      {Ids{"a1", "a2"}, absl::InvalidArgumentError("message 1: does not parse"), Ids{"never"}});
  absl::Status status = Stream(&transport);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "message 1: does not parse");
  EXPECT_EQ(transport.writes(), (std::vector<Ids>{{"a1", "a2"}}));
}

TEST_F(ImportPipelineTest, ShutdownAnswersWhatWasReadThenEndsUnavailable) {
  // The script ends without ReadEnd: the client is still sending.
  ScriptedTransport transport({Ids{"a1", "a2", "a3"}});
  absl::Status status = Stream(&transport, /*stop_for_shutdown=*/true);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(transport.writes(), (std::vector<Ids>{{"a1", "a2", "a3"}}));
}

TEST_F(ImportPipelineTest, AClientThatStopsReadingEndsTheStream) {
  ScriptedTransport transport({Ids{"a1"}, Ids{"b1"}, ReadEnd{}},
                              absl::CancelledError("the client stopped reading results"));
  EXPECT_EQ(Stream(&transport).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(transport.writes().size(), 1u);
}

}  // namespace
}  // namespace labor::vacancy

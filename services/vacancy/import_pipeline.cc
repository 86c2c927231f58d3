#include "services/vacancy/import_pipeline.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace labor::vacancy {

void ImportPipeline::Start() {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;  // stopped for shutdown before it started
    reading_ = true;
  }
  transport_->ReadNext();
}

void ImportPipeline::Refuse(const absl::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    finished_ = true;
  }
  transport_->End(status);
}

void ImportPipeline::OnMessage(std::vector<v1::ImportItem> items) {
  Step([&] {
    reading_ = false;
    if (stop_reading_) return;  // shutting down: the message is not taken
    message_sizes_.push_back(items.size());
    for (v1::ImportItem& item : items) pending_.push_back(std::move(item));
  });
}

void ImportPipeline::OnBadMessage(const absl::Status& status) {
  Step([&] {
    reading_ = false;
    if (stop_reading_) return;
    // Answer everything before the bad message, then end the stream.
    read_done_ = true;
    final_status_ = status;
  });
}

void ImportPipeline::OnReadEnd() {
  Step([&] {
    reading_ = false;
    read_done_ = true;
  });
}

void ImportPipeline::OnWriteDone(const absl::Status& status) {
  Step([&] {
    writing_ = false;
    if (!status.ok() && error_.ok()) error_ = status;
  });
}

void ImportPipeline::OnCancel() {
  Step([&] {
    if (error_.ok()) error_ = absl::CancelledError("the client cancelled the import");
  });
}

void ImportPipeline::StopForShutdown() {
  Step([&] {
    // A client that had sent everything gets its answers and OK.
    if (final_status_.ok() && !read_done_) {
      final_status_ = absl::UnavailableError(
          "the server is shutting down: the items answered were taken, the rest were not; "
          "send them again");
    }
    stop_reading_ = true;
  });
}

void ImportPipeline::Plan(Actions* actions) {
  if (finished_) return;
  if (error_.ok() && !reading_ && !read_done_ && !stop_reading_ &&
      static_cast<int>(pending_.size()) < options_.max_pending_items) {
    reading_ = true;
    actions->read = true;
  }
  // The results held back may not stop the oldest message from being
  // answered (a chunk may be larger than the limit).
  const size_t unwritten_limit = std::max(static_cast<size_t>(options_.max_unwritten_results),
                                          message_sizes_.empty() ? 0 : message_sizes_.front());
  if (error_.ok() && !preparing_ && prepared_.empty() && !pending_.empty() &&
      unwritten_.size() < unwritten_limit) {
    preparing_ = true;
    const size_t n =
        std::min<size_t>(pending_.size(), static_cast<size_t>(options_.max_batch_items));
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
    std::vector<v1::ImportResult>& write = actions->write.emplace();
    write.reserve(message_sizes_.front());
    for (size_t i = message_sizes_.front(); i > 0; --i) {
      write.push_back(std::move(unwritten_.front()));
      unwritten_.pop_front();
    }
    message_sizes_.pop_front();
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

void ImportPipeline::Run(Actions& actions) {
  if (actions.read) transport_->ReadNext();
  if (actions.write.has_value()) transport_->WriteResults(*std::move(actions.write));
  if (!actions.prepare.empty()) Prepare(std::move(actions.prepare));
  if (actions.apply.has_value()) Apply(*std::move(actions.apply), actions.apply_ticket);
  if (actions.finish) transport_->End(actions.status);
}

void ImportPipeline::Prepare(std::vector<v1::ImportItem> batch) {
  Submit(
      [this, batch = std::move(batch)]() mutable {
        VacancyManager::PreparedImport prepared = manager_->PrepareImport(std::move(batch));
        Step([&] {
          preparing_ = false;
          prepared_.push_back(std::move(prepared));
        });
      },
      &ImportPipeline::preparing_);
}

// As soon as a batch is decided (its write may still be in flight) the next
// batch may be applied; results still leave in batch order (tickets), each
// once its own batch is durable.
void ImportPipeline::Apply(VacancyManager::PreparedImport prepared, int64_t ticket) {
  Submit(
      [this, prepared = std::move(prepared), ticket]() mutable {
        bool committed = false;
        auto on_committed = [this, &committed] {
          committed = true;
          Step([&] {
            applying_ = false;
            ++publishing_;
          });
        };
        absl::StatusOr<std::vector<v1::ImportResult>> results =
            manager_->ApplyImport(caller_, std::move(prepared), on_committed);
        Step([&] {
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
        });
      },
      &ImportPipeline::applying_);
}

void ImportPipeline::Submit(std::function<void()> work, bool ImportPipeline::*stage) {
  if (pool_->Submit(std::move(work))) return;
  Step([&] {
    this->*stage = false;
    if (error_.ok()) error_ = absl::ResourceExhaustedError("server is busy; retry with backoff");
  });
}

}  // namespace labor::vacancy

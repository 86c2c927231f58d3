#include "common/outbox.h"

#include <algorithm>
#include <limits>
#include <random>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"

namespace labor {
namespace {

std::string EpochKey(absl::string_view service) {
  return absl::StrCat("outbox/", service, "/epoch_ms");
}
std::string LastDeletedKey(absl::string_view service) {
  return absl::StrCat("outbox/", service, "/last_deleted_seq");
}

// Meta values are decimal text so they read well in `ldb`.
absl::StatusOr<std::optional<uint64_t>> ReadMetaNumber(RocksStore* store, const std::string& key) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, store->Get(kMetaCf, key));
  if (!text.has_value()) return std::optional<uint64_t>();
  uint64_t value = 0;
  if (!absl::SimpleAtoi(*text, &value)) {
    return absl::DataLossError(absl::StrCat("outbox: bad meta value under ", key));
  }
  return std::optional<uint64_t>(value);
}

// Redis's reply to an XADD whose explicit ID is not above the stream's last:
// the event was published before (a retry after a lost acknowledgement).
constexpr absl::string_view kAlreadyPresent = "equal or smaller";

}  // namespace

// ---------------------------------------------------------------------------
// Outbox

Outbox::Reservation::Reservation(Reservation&& other) noexcept
    : outbox_(other.outbox_), seq_(other.seq_) {
  other.outbox_ = nullptr;
}

Outbox::Reservation::~Reservation() {
  if (outbox_ != nullptr) outbox_->Release(seq_);
}

Outbox::Outbox(RocksStore* store, std::string service, Clock* clock, uint64_t epoch_ms,
               uint64_t next_seq)
    : store_(store),
      service_(std::move(service)),
      stream_(absl::StrCat("labor.events.", service_)),
      clock_(clock),
      epoch_ms_(epoch_ms),
      next_seq_(next_seq) {}

absl::StatusOr<std::unique_ptr<Outbox>> Outbox::Open(RocksStore* store, std::string service,
                                                     Clock* clock) {
  LABOR_CHECK(store != nullptr && clock != nullptr);
  if (service.empty()) return absl::InvalidArgumentError("outbox: empty service name");
  // Both families must be configured (LABOR_CHECK in cf() otherwise).
  store->cf(kOutboxCf);
  store->cf(kMetaCf);

  ASSIGN_OR_RETURN(std::optional<uint64_t> epoch, ReadMetaNumber(store, EpochKey(service)));
  if (!epoch.has_value()) {
    const int64_t now_ms = absl::ToUnixMillis(clock->Now());
    if (now_ms <= 0) return absl::FailedPreconditionError("outbox: clock before 1970");
    epoch = static_cast<uint64_t>(now_ms);
    rocksdb::WriteBatch batch;
    std::string value = absl::StrCat(*epoch);
    batch.Put(store->cf(kMetaCf), EpochKey(service), value);
    RETURN_IF_ERROR(store->Write(&batch));
  }

  // Sequences never repeat: continue after the newest pending event or the
  // newest deleted one, whichever is higher (the outbox may be empty).
  uint64_t last_seq = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it = store->NewIterator(kOutboxCf);
    it->SeekToLast();
    if (it->Valid()) {
      if (it->key().size() != 8) return absl::DataLossError("outbox: malformed key");
      last_seq = DecodeBigEndian64(absl::string_view(it->key().data(), it->key().size()));
    }
    RETURN_IF_ERROR(FromRocks(it->status()));
  }
  ASSIGN_OR_RETURN(std::optional<uint64_t> last_deleted,
                   ReadMetaNumber(store, LastDeletedKey(service)));
  last_seq = std::max(last_seq, last_deleted.value_or(0));

  return std::unique_ptr<Outbox>(
      new Outbox(store, std::move(service), clock, *epoch, last_seq + 1));
}

Outbox::Reservation Outbox::Add(rocksdb::WriteBatch* batch, v1::Event event) {
  LABOR_CHECK(batch != nullptr);
  uint64_t seq;
  {
    absl::MutexLock lock(&mu_);
    seq = next_seq_++;
    in_flight_.insert(seq);
  }
  event.set_event_id(absl::StrCat(service_, "-", epoch_ms_, "-", seq));
  if (!event.has_occurred_at()) {
    const absl::Time now = clock_->Now();
    const int64_t seconds = absl::ToUnixSeconds(now);
    event.mutable_occurred_at()->set_seconds(seconds);
    event.mutable_occurred_at()->set_nanos(
        static_cast<int32_t>((now - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  }
  batch->Put(store_->cf(kOutboxCf), EncodeBigEndian64(seq), event.SerializeAsString());
  return Reservation(this, seq);
}

uint64_t Outbox::LowestInFlight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_.empty() ? std::numeric_limits<uint64_t>::max() : *in_flight_.begin();
}

absl::Status Outbox::Commit(RocksStore* store, rocksdb::WriteBatch* batch,
                            const std::vector<v1::Event>& events) {
  std::vector<Reservation> reservations;
  reservations.reserve(events.size());
  for (const auto& event : events) reservations.push_back(Add(batch, event));
  absl::Status status = store->Write(batch);
  reservations.clear();  // the relay may now publish past these sequences
  if (status.ok() && !events.empty()) NotifyCommitted();
  return status;
}

void Outbox::CommitAsync(GroupCommitter* committer, rocksdb::WriteBatch batch,
                         const std::vector<v1::Event>& events,
                         std::function<void(absl::Status)> done) {
  LABOR_CHECK(committer != nullptr && done != nullptr);
  auto reservations = std::make_shared<std::vector<Reservation>>();
  reservations->reserve(events.size());
  for (const auto& event : events) reservations->push_back(Add(&batch, event));
  committer->Submit(std::move(batch), [this, reservations = std::move(reservations),
                                       done = std::move(done)](absl::Status status) {
    const bool any = !reservations->empty();
    reservations->clear();  // the relay may now publish past these sequences
    if (status.ok() && any) NotifyCommitted();
    done(std::move(status));
  });
}

void Outbox::NotifyCommitted() {
  absl::MutexLock lock(&mu_);
  committed_signal_ = true;
}

void Outbox::WaitForCommit(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&committed_signal_), timeout);
  committed_signal_ = false;
}

void Outbox::Release(uint64_t seq) {
  absl::MutexLock lock(&mu_);
  in_flight_.erase(seq);
  // The relay may have been held back by this sequence: wake it.
  committed_signal_ = true;
}

// ---------------------------------------------------------------------------
// OutboxRelay

OutboxRelay::OutboxRelay(RocksStore* store, Outbox* outbox, RedisClient* redis, Options options,
                         SideEffects side_effects)
    : store_(store),
      outbox_(outbox),
      redis_(redis),
      options_(options),
      side_effects_(std::move(side_effects)) {
  LABOR_CHECK(store_ != nullptr && outbox_ != nullptr && redis_ != nullptr);
  if (options_.batch_size <= 0) options_.batch_size = 1;
}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = false;
  }
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Stop() {
  stop_ = true;
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  outbox_->NotifyCommitted();  // wakes an idle wait
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<int> OutboxRelay::PublishOnce() {
  absl::MutexLock publish_lock(&publish_mu_);

  // Read the in-flight bound BEFORE the iterator: every sequence below it has
  // finished its Write (or failed), so the iterator sees all of them.
  const uint64_t bound = outbox_->LowestInFlight();
  const std::string lower = EncodeBigEndian64(resume_seq_);
  const std::string upper = EncodeBigEndian64(bound);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  if (bound != std::numeric_limits<uint64_t>::max())
    read_options.iterate_upper_bound = &upper_slice;

  struct Entry {
    uint64_t seq;
    std::string key;
    v1::Event event;
    std::string bytes;
  };
  std::vector<Entry> entries;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(read_options, store_->cf(kOutboxCf)));
    // Seeking past the deleted prefix skips its tombstones.
    for (it->Seek(lower); it->Valid() && static_cast<int>(entries.size()) < options_.batch_size;
         it->Next()) {
      if (it->key().size() != 8) return absl::DataLossError("outbox: malformed key");
      Entry entry;
      entry.key = it->key().ToString();
      entry.seq = DecodeBigEndian64(entry.key);
      if (entry.seq >= bound) break;
      entry.bytes = it->value().ToString();
      if (!entry.event.ParseFromString(entry.bytes)) {
        // Never skip: the relay stays stuck here and the operator is told.
        LABOR_LOG(Error) << "outbox " << outbox_->stream() << ": undecodable event at seq "
                         << entry.seq;
        return absl::DataLossError(absl::StrCat("outbox: undecodable event at seq ", entry.seq));
      }
      entries.push_back(std::move(entry));
    }
    RETURN_IF_ERROR(FromRocks(it->status()));
  }
  if (entries.empty()) return 0;

  // One MULTI/EXEC publishes the round atomically and in order: no other
  // client's command runs in between, and Redis refuses a transaction that
  // would exceed maxmemory as a whole (EXECABORT or OOM on EXEC). Per
  // command, an XADD with a fixed ID fails only as "already present" (a
  // retry) or, on a key of another type, for every event alike. So a later
  // event never lands ahead of an earlier refused one, which a retry would
  // then mistake for published. (This replaced a Lua script doing the same
  // loop: the script cost Redis about twice the CPU per event.)
  const std::string max_len = absl::StrCat(options_.stream_max_len);
  std::vector<std::vector<std::string>> commands;
  commands.reserve(entries.size() + 2);
  commands.push_back({"MULTI"});
  for (const Entry& e : entries) {
    std::vector<std::string> xadd = {"XADD", outbox_->stream()};
    if (options_.stream_max_len > 0) xadd.insert(xadd.end(), {"MAXLEN", "~", max_len});
    xadd.insert(xadd.end(), {absl::StrCat(outbox_->epoch_ms(), "-", e.seq), "event", e.bytes,
                             "type", e.event.type(), "entity_id", e.event.entity_id(), "version",
                             absl::StrCat(e.event.entity_version())});
    commands.push_back(std::move(xadd));
  }
  commands.push_back({"EXEC"});
  const size_t exec_at = commands.size() - 1;
  // Side effects of every event in the round ride in the same round trip.
  // They are idempotent (an event's effects may run again on a retry) and
  // all events read here are committed, so running them early is harmless.
  std::vector<size_t> effect_owner;  // entry index per side-effect command
  if (side_effects_) {
    for (size_t i = 0; i < entries.size(); ++i) {
      size_t before = commands.size();
      side_effects_(entries[i].event, &commands);
      for (size_t j = before; j < commands.size(); ++j) effect_owner.push_back(i);
    }
  }

  ASSIGN_OR_RETURN(std::vector<RedisReply> replies, redis_->Pipeline(commands));

  // Events published, counting those already present, up to the first refusal.
  size_t done = 0;
  std::string refusal;
  const RedisReply& result = replies[exec_at];
  if (result.is_error()) {
    // The whole transaction was refused; a queued command's own error (say
    // OOM) says why better than EXECABORT does.
    refusal = result.str;
    for (size_t j = 1; j < exec_at; ++j) {
      if (replies[j].is_error()) {
        refusal = replies[j].str;
        break;
      }
    }
  } else if (result.type == RedisReply::Type::kArray && result.elements.size() == entries.size()) {
    for (const RedisReply& r : result.elements) {
      if (r.is_error() && !absl::StrContains(r.str, kAlreadyPresent)) {
        refusal = r.str;
        break;
      }
      ++done;
    }
  } else {
    refusal = "unexpected reply to EXEC";
  }
  for (size_t j = exec_at + 1; j < replies.size(); ++j) {
    if (replies[j].is_error()) {
      const Entry& owner = entries[effect_owner[j - exec_at - 1]];
      LABOR_LOG(Warning) << "outbox " << outbox_->stream() << ": side effect of seq " << owner.seq
                         << " (" << owner.event.type() << ") failed: " << replies[j].str;
    }
  }
  if (!refusal.empty()) {
    LABOR_LOG(Error) << "outbox " << outbox_->stream() << ": XADD of seq "
                     << entries[done < entries.size() ? done : 0].seq << " refused: " << refusal;
  }

  if (done > 0) {
    rocksdb::WriteBatch batch;
    const uint64_t last = entries[done - 1].seq;
    // A large round goes as one range tombstone instead of one per event:
    // every sequence in the range is below the in-flight bound, so nothing
    // is written into it later (a gap is an abandoned reservation, never
    // written). Small rounds keep point tombstones: RocksDB re-fragments a
    // memtable's range tombstones after each new one, so they must stay few.
    constexpr size_t kRangeDeleteFrom = 64;
    if (done >= kRangeDeleteFrom) {
      RETURN_IF_ERROR(FromRocks(batch.DeleteRange(store_->cf(kOutboxCf), entries[0].key,
                                                  EncodeBigEndian64(last + 1))));
    } else {
      for (size_t i = 0; i < done; ++i) batch.Delete(store_->cf(kOutboxCf), entries[i].key);
    }
    // Remembered so sequences continue after it even once the outbox is empty.
    batch.Put(store_->cf(kMetaCf), LastDeletedKey(outbox_->service()), absl::StrCat(last));
    // Unsynced: losing this batch in a machine crash only means the events
    // are offered again, and Redis refuses them as already published (their
    // IDs are fixed). Deletes and the marker go together or not at all.
    RETURN_IF_ERROR(store_->WriteUnsynced(&batch));
    resume_seq_ = last + 1;
    published_total_ += static_cast<int64_t>(done);
  }
  if (done == 0 && !refusal.empty()) {
    return absl::InternalError(
        absl::StrCat("outbox ", outbox_->stream(), ": Redis refused XADD: ", refusal));
  }
  return static_cast<int>(done);
}

absl::StatusOr<int64_t> OutboxRelay::PendingCount() const {
  std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator(kOutboxCf);
  int64_t count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  RETURN_IF_ERROR(FromRocks(it->status()));
  return count;
}

void OutboxRelay::Run() {
  // Jitter only spreads retries of several relays; it needs no good entropy.
  std::minstd_rand rng(static_cast<uint32_t>(absl::ToUnixNanos(absl::Now())));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  const absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration backoff = absl::ZeroDuration();
  while (!stop_.load()) {
    absl::StatusOr<int> published = PublishOnce();
    if (!published.ok()) {
      backoff = std::min(std::max(backoff * 2, initial_backoff), options_.max_backoff);
      if (!absl::IsUnavailable(published.status())) {
        LABOR_LOG(Warning) << "outbox relay: " << published.status();
      }
      absl::MutexLock lock(&stop_mu_);
      stop_mu_.AwaitWithTimeout(absl::Condition(&stopping_), backoff * jitter(rng));
      continue;
    }
    backoff = absl::ZeroDuration();
    // A full batch means more may be waiting: go again at once.
    if (*published < options_.batch_size) outbox_->WaitForCommit(options_.idle_wait);
  }
}

}  // namespace labor

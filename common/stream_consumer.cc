#include "common/stream_consumer.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/status.h"

namespace labor {
namespace {

bool IsNoGroup(const RedisReply& reply) {
  return reply.is_error() && absl::StartsWith(reply.str, "NOGROUP");
}

absl::Status Unexpected(absl::string_view stream, absl::string_view what) {
  return absl::InternalError(absl::StrCat("stream ", stream, ": unexpected reply to ", what));
}

}  // namespace

StreamConsumer::StreamConsumer(RedisClient* redis, Options options, Handler handler)
    : redis_(redis),
      options_(std::move(options)),
      handler_(std::move(handler)),
      clock_(options_.clock != nullptr ? options_.clock : Clock::Real()) {
  LABOR_CHECK(redis_ != nullptr && handler_ != nullptr);
  LABOR_CHECK(!options_.stream.empty() && !options_.group.empty() && !options_.consumer.empty())
      << "stream consumer needs stream, group and consumer names";
  LABOR_CHECK(options_.batch_size > 0) << "batch_size " << options_.batch_size;
  LABOR_CHECK(options_.block >= absl::Milliseconds(1)) << "block must be positive";
  // An idle XREADGROUP returns only after `block`: a shorter client timeout
  // would turn every idle read into UNAVAILABLE and drop the connection.
  LABOR_CHECK(redis_->options().command_timeout > options_.block + kBlockMargin)
      << "stream consumer " << options_.stream << ": the Redis client's command_timeout ("
      << absl::FormatDuration(redis_->options().command_timeout) << ") must exceed block ("
      << absl::FormatDuration(options_.block) << ") + " << absl::FormatDuration(kBlockMargin);
}

StreamConsumer::~StreamConsumer() { Stop(); }

absl::Status StreamConsumer::EnsureGroup() {
  absl::MutexLock lock(&poll_mu_);
  return CreateGroupLocked(options_.start_id);
}

absl::Status StreamConsumer::CreateGroupLocked(const std::string& start_id) {
  ASSIGN_OR_RETURN(RedisReply reply, redis_->Command({"XGROUP", "CREATE", options_.stream,
                                                      options_.group, start_id, "MKSTREAM"}));
  if (reply.is_error() && !absl::StartsWith(reply.str, "BUSYGROUP")) {
    return absl::InternalError(
        absl::StrCat("stream ", options_.stream, ": XGROUP CREATE: ", reply.str));
  }
  group_ready_ = true;
  return absl::OkStatus();
}

absl::StatusOr<RedisReply> StreamConsumer::GroupCommand(const std::vector<std::string>& argv) {
  ASSIGN_OR_RETURN(RedisReply reply, redis_->Command(argv));
  if (IsNoGroup(reply)) {
    LABOR_LOG(Warning) << "stream " << options_.stream << ": group " << options_.group
                       << " vanished (Redis restarted without persistence?); re-creating it from "
                       << options_.recreate_start_id;
    RETURN_IF_ERROR(CreateGroupLocked(options_.recreate_start_id));
    {
      absl::MutexLock lock(&stats_mu_);
      ++stats_.group_recreated;
    }
    // A new group has no pending entries and nothing to claim yet.
    check_pending_ = false;
    claim_cursor_ = "0-0";
    ASSIGN_OR_RETURN(reply, redis_->Command(argv));
  }
  if (reply.is_error()) {
    return absl::InternalError(
        absl::StrCat("stream ", options_.stream, ": ", argv[0], ": ", reply.str));
  }
  return reply;
}

absl::Status StreamConsumer::ParseEntries(const RedisReply& list, absl::string_view what,
                                          std::vector<RawEntry>* out) const {
  if (list.type != RedisReply::Type::kArray) return Unexpected(options_.stream, what);
  for (const RedisReply& item : list.elements) {
    if (item.type != RedisReply::Type::kArray || item.elements.size() != 2 ||
        item.elements[0].type != RedisReply::Type::kString) {
      return Unexpected(options_.stream, what);
    }
    RawEntry entry;
    entry.id = item.elements[0].str;
    const RedisReply& fields = item.elements[1];
    if (fields.is_nil()) {
      entry.deleted = true;
    } else if (fields.type == RedisReply::Type::kArray) {
      for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        if (fields.elements[i].str == kStreamEventField &&
            fields.elements[i + 1].type == RedisReply::Type::kString) {
          entry.event_bytes = fields.elements[i + 1].str;
        }
      }
    } else {
      return Unexpected(options_.stream, what);
    }
    out->push_back(std::move(entry));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StreamConsumer::RawEntry>> StreamConsumer::ReadGroup(
    const std::string& id, bool block) {
  std::vector<std::string> argv = {"XREADGROUP",      "GROUP", options_.group,
                                   options_.consumer, "COUNT", absl::StrCat(options_.batch_size)};
  if (block) {
    argv.push_back("BLOCK");
    argv.push_back(absl::StrCat(std::max<int64_t>(absl::ToInt64Milliseconds(options_.block), 1)));
  }
  argv.insert(argv.end(), {"STREAMS", options_.stream, id});
  ASSIGN_OR_RETURN(RedisReply reply, GroupCommand(argv));
  std::vector<RawEntry> entries;
  if (reply.is_nil()) return entries;  // BLOCK timed out
  // [[stream, [entries...]]]: one element per requested stream.
  if (reply.type != RedisReply::Type::kArray) return Unexpected(options_.stream, "XREADGROUP");
  for (const RedisReply& per_stream : reply.elements) {
    if (per_stream.type != RedisReply::Type::kArray || per_stream.elements.size() != 2) {
      return Unexpected(options_.stream, "XREADGROUP");
    }
    RETURN_IF_ERROR(ParseEntries(per_stream.elements[1], "XREADGROUP", &entries));
  }
  return entries;
}

absl::StatusOr<std::vector<StreamConsumer::RawEntry>> StreamConsumer::AutoClaim() {
  const absl::Time now = clock_->Now();
  ASSIGN_OR_RETURN(RedisReply reply,
                   GroupCommand({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer,
                                 absl::StrCat(std::max<int64_t>(
                                     absl::ToInt64Milliseconds(options_.claim_min_idle), 0)),
                                 claim_cursor_, "COUNT", absl::StrCat(options_.batch_size)}));
  // [next cursor, [entries...], [deleted ids...]] (the third since Redis 7.0).
  if (reply.type != RedisReply::Type::kArray || reply.elements.size() < 2 ||
      reply.elements[0].type != RedisReply::Type::kString) {
    return Unexpected(options_.stream, "XAUTOCLAIM");
  }
  std::vector<RawEntry> entries;
  RETURN_IF_ERROR(ParseEntries(reply.elements[1], "XAUTOCLAIM", &entries));
  int64_t deleted = 0;
  if (reply.elements.size() >= 3 && reply.elements[2].type == RedisReply::Type::kArray) {
    // Redis already dropped these from the pending list.
    deleted = static_cast<int64_t>(reply.elements[2].elements.size());
  }
  claim_cursor_ = reply.elements[0].str;
  // "0-0": the scan of the pending list is complete; otherwise continue it
  // next round.
  next_claim_ = claim_cursor_ == "0-0" ? now + options_.claim_interval : now;
  if (!entries.empty() || deleted > 0) {
    LABOR_LOG(Info) << "stream " << options_.stream << ": consumer " << options_.consumer
                    << " claimed " << entries.size() << " idle entries of group " << options_.group
                    << (deleted > 0 ? absl::StrCat(", ", deleted, " deleted") : "");
    absl::MutexLock lock(&stats_mu_);
    stats_.claimed += static_cast<int64_t>(entries.size());
    stats_.deleted += deleted;
  }
  return entries;
}

absl::StatusOr<int> StreamConsumer::HandleBatch(const std::vector<RawEntry>& entries,
                                                bool* handler_failed) {
  std::vector<std::string> ack = {"XACK", options_.stream, options_.group};
  int accepted = 0;
  size_t done = 0;
  absl::Status failure;
  int64_t delivered = 0, poison = 0, deleted = 0;
  for (; done < entries.size(); ++done) {
    if (stop_.load()) break;
    const RawEntry& raw = entries[done];
    if (raw.deleted) {
      // Trimmed or XDELed while pending: nothing to handle, only to release.
      ++deleted;
      ack.push_back(raw.id);
      continue;
    }
    Entry entry;
    entry.id = raw.id;
    if (!raw.event_bytes.has_value() || !entry.event.ParseFromString(*raw.event_bytes)) {
      // Retrying cannot fix it, and it must not hold up the entries behind it.
      LABOR_LOG(Error) << "stream " << options_.stream << ": entry " << raw.id
                       << (raw.event_bytes.has_value() ? " holds an unparsable event"
                                                       : " has no event field")
                       << "; acknowledged without handling";
      ++poison;
      ack.push_back(raw.id);
      continue;
    }
    ++delivered;
    absl::Status handled = handler_(entry);
    if (!handled.ok()) {
      failure = absl::Status(handled.code(), absl::StrCat("stream ", options_.stream, " entry ",
                                                          raw.id, ": ", handled.message()));
      break;
    }
    ++accepted;
    ack.push_back(raw.id);
  }
  {
    absl::MutexLock lock(&stats_mu_);
    stats_.delivered += delivered;
    stats_.poison += poison;
    stats_.deleted += deleted;
    if (!failure.ok()) ++stats_.handler_failures;
  }
  // Entries not acknowledged below stay pending with this consumer; the
  // next round reads them again first, in order.
  if (done < entries.size()) check_pending_ = true;
  if (!failure.ok()) {
    // Set before the XACK so that a Redis error there does not skip the backoff.
    *handler_failed = true;
    handler_backoff_ = std::clamp(handler_backoff_ * 2, options_.initial_backoff,
                                  std::max(options_.initial_backoff, options_.max_backoff));
    retry_at_ = clock_->Now() + handler_backoff_;
    LABOR_LOG(Warning) << failure << "; retrying in " << absl::FormatDuration(handler_backoff_);
  }

  if (ack.size() > 3) {
    absl::StatusOr<RedisReply> reply = redis_->Command(ack);
    if (!reply.ok()) {
      check_pending_ = true;  // handled but unacknowledged: they come again
      return reply.status();
    }
    if (reply->type != RedisReply::Type::kInteger) {
      check_pending_ = true;
      return reply->is_error() ? absl::InternalError(absl::StrCat("stream ", options_.stream,
                                                                  ": XACK: ", reply->str))
                               : Unexpected(options_.stream, "XACK");
    }
    // Fewer than sent when another consumer claimed some meanwhile.
    absl::MutexLock lock(&stats_mu_);
    stats_.acked += reply->integer;
  }

  if (!failure.ok()) return failure;
  if (done == entries.size() && !entries.empty()) handler_backoff_ = absl::ZeroDuration();
  return accepted;
}

absl::StatusOr<int> StreamConsumer::PollLocked(bool* handler_failed, bool* caught_up) {
  if (!group_ready_) RETURN_IF_ERROR(CreateGroupLocked(options_.start_id));

  if (check_pending_) {
    ASSIGN_OR_RETURN(std::vector<RawEntry> pending, ReadGroup("0", /*block=*/false));
    if (!pending.empty()) return HandleBatch(pending, handler_failed);
    check_pending_ = false;
  }

  if (clock_->Now() >= next_claim_) {
    ASSIGN_OR_RETURN(std::vector<RawEntry> claimed, AutoClaim());
    if (!claimed.empty()) return HandleBatch(claimed, handler_failed);
  }

  ASSIGN_OR_RETURN(std::vector<RawEntry> fresh, ReadGroup(">", /*block=*/true));
  ASSIGN_OR_RETURN(int accepted, HandleBatch(fresh, handler_failed));
  *caught_up = static_cast<int>(fresh.size()) < options_.batch_size && !check_pending_;
  return accepted;
}

StreamConsumer::PollResult StreamConsumer::Poll() {
  absl::MutexLock lock(&poll_mu_);
  PollResult result;
  if (clock_->Now() < retry_at_) {
    // Backing off after a handler failure: reading anything now would
    // either redeliver too soon or overtake the failed entry.
    result.retry_at = retry_at_;
    return result;
  }
  bool caught_up = false;
  result.accepted = PollLocked(&result.handler_failed, &caught_up);
  if (result.handler_failed) result.retry_at = retry_at_;
  absl::MutexLock stats_lock(&stats_mu_);
  stats_.last_error = result.accepted.status();
  // Updated only when a round ends, so readers do not see it flicker while a
  // round blocks in XREADGROUP.
  stats_.caught_up = result.accepted.ok() && caught_up;
  return result;
}

absl::StatusOr<int> StreamConsumer::PollOnce() { return Poll().accepted; }

StreamConsumer::Stats StreamConsumer::stats() const {
  absl::MutexLock lock(&stats_mu_);
  return stats_;
}

void StreamConsumer::Start() {
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = false;
  }
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void StreamConsumer::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  thread_.join();
  // PollOnce called directly after Stop() must handle whole batches again.
  stop_ = false;
}

void StreamConsumer::Run() {
  // Jitter only spreads the retries of several consumers; no good entropy needed.
  std::minstd_rand rng(static_cast<uint32_t>(absl::ToUnixNanos(absl::Now())));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  absl::Duration redis_backoff = absl::ZeroDuration();
  while (!stop_.load()) {
    PollResult result = Poll();
    absl::Duration wait = absl::ZeroDuration();
    if (!result.accepted.ok() && !result.handler_failed) {
      redis_backoff = std::clamp(redis_backoff * 2, options_.initial_backoff,
                                 std::max(options_.initial_backoff, options_.max_backoff));
      wait = redis_backoff * jitter(rng);
      if (!absl::IsUnavailable(result.accepted.status())) {
        LABOR_LOG(Warning) << "stream consumer " << options_.consumer << ": "
                           << result.accepted.status();
      }
    } else {
      redis_backoff = absl::ZeroDuration();
    }
    // Handler backoff (set by a failure now or earlier). With a manual clock
    // that does not move this waits the same span again: slow, never a spin.
    wait = std::max(wait, result.retry_at - clock_->Now());
    if (wait > absl::ZeroDuration()) {
      absl::MutexLock lock(&stop_mu_);
      stop_mu_.AwaitWithTimeout(absl::Condition(&stopping_), wait);
    }
  }
}

}  // namespace labor

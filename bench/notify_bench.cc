// notify_bench: NotificationService end to end, from Enqueue to an acked
// delivery at local WeChat subscribers, against a running notify_server and
// profile_server (bench/run_notify_bench.sh starts both).
//
//   1. Registers --workers synthetic workers through ProfileService
//      RegisterWorker (upsert, so a rerun reuses them): valid resident IDs
//      under 511702, mobile numbers, Tongchuan townships, WeChat consent and
//      openid "bench-openid-<n>".
//   2. Starts --subscribers WeChat subscribers (Subscribe as the wechat role)
//      that ack in batches of up to --ack_batch every --ack_interval, and
//      count every message id they see (digests carry several), so
//      duplicates and losses show.
//   3. Runs phases of Enqueue calls (--batch notifications each, at most
//      --max_in_flight calls at once): a warm-up of one message per worker
//      (the server's contact cache is cold: each first message costs a
//      ProfileService lookup), then either a closed loop (at most --window
//      messages enqueued but not yet delivered: the sustainable peak) or an
//      open loop at --rate notifications/s, whose calls start on a fixed
//      schedule and whose latency counts from the scheduled start (no
//      coordinated omission). --find_peak runs the closed loop, then the
//      open loop at half the peak it measured.
//   4. Per phase: delivered/s, latency percentiles from the enqueue call's
//      start to the delivery's arrival and to the ack's completion, messages
//      lost and duplicated; at the end an idempotent replay of a few batches
//      (nothing new must arrive) and the server's GetStats by status.
//
// Messages mix kinds: --job_alert_share job alerts (never more than
// --daily_cap per worker, so none is suppressed by the cap), the rest policy
// notices, fair announcements and return-trip transport notices. The server
// should run with --quiet_hours=none (or use --urgent) so nothing waits for
// the morning. With --json, one JSON line per phase.
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/synthetic_worker.h"
#include "google/protobuf/util/time_util.h"
#include "labor/v1/notification.grpc.pb.h"
#include "labor/v1/profile.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50054", "NotificationService address host:port");
ABSL_FLAG(std::string, profile_target, "127.0.0.1:50051", "ProfileService address host:port");
ABSL_FLAG(std::string, token_file, "",
          "admin token (first line): RegisterWorker, Enqueue, GetStats");
ABSL_FLAG(std::string, subscriber_token_file, "",
          "token of the WeChat channel backend (first line; e.g. the service token or a "
          "wechat-role one, which subscribes for the whole channel without an openid): "
          "Subscribe, Ack");
ABSL_FLAG(int, workers, 20000, "synthetic workers registered and addressed");
ABSL_FLAG(int64_t, worker_offset, 3000000,
          "synthetic index of the first worker (same offset = same workers, reused)");
ABSL_FLAG(int, register_threads, 16, "concurrent RegisterWorker calls");
ABSL_FLAG(double, rate, 0,
          "open loop: notifications/s; 0 = closed loop (at most --window undelivered)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(20), "length of the measured phase(s)");
ABSL_FLAG(int, batch, 100, "notifications per Enqueue call (1..1000)");
ABSL_FLAG(int, max_in_flight, 16, "Enqueue calls in flight at most");
ABSL_FLAG(int, channels, 2, "TCP connections the Enqueue calls are spread over");
ABSL_FLAG(int, window, 4000,
          "closed loop: messages enqueued but not yet delivered at most (default: 2 "
          "subscribers x the server's --max_in_flight_per_subscriber 2000; more only makes "
          "the server park messages 2 s as no_subscriber)");
ABSL_FLAG(int, subscribers, 2, "WeChat subscribers (each its own stream and connection)");
ABSL_FLAG(int, ack_batch, 500, "deliveries acked per Ack call at most (1..1000)");
ABSL_FLAG(absl::Duration, ack_interval, absl::Milliseconds(5),
          "a subscriber acks what it has at least this often");
ABSL_FLAG(double, job_alert_share, 0.1, "share of job alerts among the notifications");
ABSL_FLAG(int, daily_cap, 3, "job alerts sent per worker at most (the server's daily cap)");
ABSL_FLAG(bool, urgent, false, "send PRIORITY_URGENT (passes quiet hours)");
ABSL_FLAG(bool, warmup, true,
          "first one message per worker (fills the server's contact cache), reported apart");
ABSL_FLAG(bool, find_peak, false,
          "closed loop for --duration, then open loop at half the measured peak");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(60),
          "after a phase, wait this long at most for its messages to arrive");
ABSL_FLAG(int, replay_batches, 5,
          "at the end, send this many batches again: all must be duplicates, none delivered");
ABSL_FLAG(std::string, run_id, "", "idempotency key prefix (default: from the clock)");
ABSL_FLAG(uint64_t, seed, 7, "random seed (kinds)");
ABSL_FLAG(bool, json, false, "also print one JSON line per phase");
ABSL_FLAG(std::string, server_pids, "",
          "name=pid,... of local server processes whose CPU time each phase reports "
          "(e.g. notify=123,profile=456)");

namespace labor::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
const SteadyClock::time_point kEpoch = SteadyClock::now();

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - kEpoch).count();
}
void SleepUntilNs(int64_t ns) {
  std::this_thread::sleep_until(kEpoch + std::chrono::nanoseconds(ns));
}

std::string ReadToken(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

void AddAuth(grpc::ClientContext* ctx, const std::string& token) {
  if (!token.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

template <typename Duration>
std::chrono::system_clock::time_point In(Duration d) {
  return std::chrono::system_clock::now() + d;
}

// A separate TCP connection per call (a distinct subchannel).
std::shared_ptr<grpc::Channel> NewChannel(const std::string& target, int n) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("labor.bench.connection", n);
  args.SetMaxReceiveMessageSize(16 << 20);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int c = static_cast<int>(code);
  return c >= 0 && c < 17 ? kNames[c] : absl::StrCat("code ", c);
}

// CPU seconds (user + system) a local process has used; -1 if unreadable.
double ProcessCpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat;
  std::getline(in, stat);
  // Fields after the command name (which may hold spaces) in parentheses.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double utime = -1, stime = -1;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) {
      stime = std::stod(field);
      break;
    }
  }
  if (utime < 0 || stime < 0) return -1;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The processes named by --server_pids plus this one.
std::vector<std::pair<std::string, int>> WatchedProcesses() {
  std::vector<std::pair<std::string, int>> out;
  for (absl::string_view item :
       absl::StrSplit(absl::GetFlag(FLAGS_server_pids), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    int pid = 0;
    if (absl::SimpleAtoi(kv.second, &pid)) out.push_back({kv.first, pid});
  }
  return out;
}

std::vector<double> CpuNow(const std::vector<std::pair<std::string, int>>& procs) {
  std::vector<double> v;
  for (const auto& [name, pid] : procs) v.push_back(ProcessCpuSeconds(pid));
  v.push_back(SelfCpuSeconds());
  return v;
}

// ------------------------------------------------------------------ workers

// Synthetic worker `index` (bench/synthetic_worker.h) with WeChat consent
// and an openid of its own.
v1::Worker BenchWorker(int64_t index) {
  v1::Worker w = SyntheticWorker(index);
  w.set_wechat_openid(absl::StrCat("bench-openid-", index));
  w.mutable_consent()->set_wechat(true);
  return w;
}

// Registers (or, with upsert, re-registers) the workers; their ids in order.
std::vector<std::string> RegisterWorkers(const std::string& token) {
  const int n = absl::GetFlag(FLAGS_workers);
  const int64_t offset = absl::GetFlag(FLAGS_worker_offset);
  const int threads = std::max(1, absl::GetFlag(FLAGS_register_threads));
  std::vector<std::string> ids(static_cast<size_t>(n));
  std::atomic<int> next{0}, created{0}, failed{0};
  std::mutex error_mu;
  std::string first_error;
  const int64_t start = NowNs();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto stub =
          v1::ProfileService::NewStub(NewChannel(absl::GetFlag(FLAGS_profile_target), t % 4));
      for (int i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
        v1::RegisterWorkerRequest request;
        *request.mutable_worker() = BenchWorker(offset + i);
        request.set_upsert(true);
        v1::RegisterWorkerResponse response;
        grpc::ClientContext ctx;
        AddAuth(&ctx, token);
        ctx.set_deadline(In(std::chrono::seconds(30)));
        grpc::Status status = stub->RegisterWorker(&ctx, request, &response);
        if (!status.ok()) {
          failed.fetch_add(1);
          std::lock_guard<std::mutex> lock(error_mu);
          if (first_error.empty()) {
            first_error = absl::StrCat(CodeName(status.error_code()), ": ", status.error_message());
          }
          continue;
        }
        if (response.created()) created.fetch_add(1);
        ids[static_cast<size_t>(i)] = response.worker().worker_id();
      }
    });
  }
  for (auto& t : pool) t.join();
  const double seconds = static_cast<double>(NowNs() - start) / 1e9;
  std::printf("workers: %d registered in %.1f s (%.0f/s): %d new, %d reused, %d failed\n", n,
              seconds, n / seconds, created.load(), n - created.load() - failed.load(),
              failed.load());
  if (failed.load() > 0) {
    std::fprintf(stderr, "RegisterWorker failed (%d), first: %s\n", failed.load(),
                 first_error.c_str());
    return {};
  }
  return ids;
}

// ------------------------------------------------------------------ tracking

// Every message: when its Enqueue call started, when it first arrived at a
// subscriber, when that delivery's ack completed, and how often it arrived.
class Tracker {
 public:
  static constexpr int kMaxPhases = 8;

  // A message id from an Enqueue answer (a first-time notification).
  void Enqueued(const std::string& id, int64_t start_ns, int phase) {
    absl::MutexLock lock(&mu_);
    sent_[id] = {start_ns, phase};
    ++accepted_[phase];
    if (got_.contains(id)) ++matched_[phase];
  }

  // A message id (or one merged into a digest) arriving at a subscriber.
  void Received(const std::string& id, int64_t now_ns) {
    received_total_.fetch_add(1, std::memory_order_relaxed);
    absl::MutexLock lock(&mu_);
    Got& g = got_[id];
    if (++g.count > 1) return;
    g.recv_ns = now_ns;
    received_unique_.fetch_add(1, std::memory_order_relaxed);
    auto it = sent_.find(id);
    if (it != sent_.end()) ++matched_[it->second.phase];
  }

  void Acked(const std::vector<std::string>& ids, int64_t now_ns) {
    absl::MutexLock lock(&mu_);
    for (const std::string& id : ids) {
      auto it = got_.find(id);
      if (it != got_.end() && it->second.ack_ns < 0) it->second.ack_ns = now_ns;
    }
  }

  int64_t received_unique() const { return received_unique_.load(std::memory_order_relaxed); }
  int64_t received_total() const { return received_total_.load(std::memory_order_relaxed); }
  bool Drained(int phase) {
    absl::MutexLock lock(&mu_);
    return matched_[phase] >= accepted_[phase];
  }
  int64_t accepted(int phase) {
    absl::MutexLock lock(&mu_);
    return accepted_[phase];
  }

  struct PhaseResult {
    int64_t accepted = 0, delivered = 0, missing = 0, duplicates = 0, acked = 0;
    int64_t last_recv_ns = 0, last_ack_ns = 0;
    std::vector<int64_t> to_recv, to_ack;  // ns
    // Per second of enqueue start (from the phase's first call): messages
    // and the slowest delivery, to see when stalls happened.
    std::map<int64_t, std::pair<int64_t, int64_t>> by_second;
    std::string slowest_id;
    int64_t slowest_ns = -1;
  };
  PhaseResult Collect(int phase) {
    absl::MutexLock lock(&mu_);
    PhaseResult r;
    for (const auto& [id, s] : sent_) {
      if (s.phase != phase) continue;
      ++r.accepted;
      auto it = got_.find(id);
      if (it == got_.end()) {
        ++r.missing;
        continue;
      }
      const Got& g = it->second;
      ++r.delivered;
      r.duplicates += g.count - 1;
      r.to_recv.push_back(g.recv_ns - s.start_ns);
      if (g.recv_ns - s.start_ns > r.slowest_ns) {
        r.slowest_ns = g.recv_ns - s.start_ns;
        r.slowest_id = id;
      }
      auto& second = r.by_second[s.start_ns / 1'000'000'000];
      ++second.first;
      second.second = std::max(second.second, g.recv_ns - s.start_ns);
      r.last_recv_ns = std::max(r.last_recv_ns, g.recv_ns);
      if (g.ack_ns >= 0) {
        ++r.acked;
        r.to_ack.push_back(g.ack_ns - s.start_ns);
        r.last_ack_ns = std::max(r.last_ack_ns, g.ack_ns);
      }
    }
    return r;
  }

  // Over the whole run: arrivals beyond the first, and ids nobody here
  // enqueued (an earlier run's messages going out again).
  std::pair<int64_t, int64_t> DuplicatesAndForeign() {
    absl::MutexLock lock(&mu_);
    int64_t dup = 0, foreign = 0;
    for (const auto& [id, g] : got_) {
      dup += g.count - 1;
      if (!sent_.contains(id)) ++foreign;
    }
    return {dup, foreign};
  }

 private:
  struct Sent {
    int64_t start_ns = 0;
    int phase = 0;
  };
  struct Got {
    int64_t recv_ns = -1;
    int64_t ack_ns = -1;
    int count = 0;
  };
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Sent> sent_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Got> got_ ABSL_GUARDED_BY(mu_);
  std::array<int64_t, kMaxPhases> accepted_ ABSL_GUARDED_BY(mu_) = {};
  std::array<int64_t, kMaxPhases> matched_ ABSL_GUARDED_BY(mu_) = {};
  std::atomic<int64_t> received_unique_{0};
  std::atomic<int64_t> received_total_{0};
};

// ---------------------------------------------------------------- subscriber

// One WeChat backend: a Subscribe stream (reconnected if it breaks) and an
// acker that sends the received delivery ids in batches.
class Subscriber {
 public:
  Subscriber(int n, std::string token, Tracker* tracker)
      : n_(n),
        token_(std::move(token)),
        tracker_(tracker),
        stub_(v1::NotificationService::NewStub(NewChannel(absl::GetFlag(FLAGS_target), 100 + n))) {}

  void Start() {
    reader_ = std::thread([this] { ReadLoop(); });
    acker_ = std::thread([this] { AckLoop(); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      if (ctx_ != nullptr) ctx_->TryCancel();
    }
    cv_.notify_all();
    reader_.join();
    acker_.join();
  }

  bool connected() const { return connected_.load(); }
  int64_t reconnects() const { return reconnects_.load(); }
  int64_t ack_calls() const { return ack_calls_.load(); }
  int64_t ack_errors() const { return ack_errors_.load(); }
  int64_t applied() const { return applied_.load(); }
  int64_t stale() const { return stale_.load(); }
  std::string last_error() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_error_;
  }

 private:
  struct ToAck {
    std::string delivery_id;
    std::vector<std::string> message_ids;
  };

  void Authorize(grpc::ClientContext* ctx) { AddAuth(ctx, token_); }

  void ReadLoop() {
    v1::SubscribeRequest request;
    request.set_channel(v1::CHANNEL_WECHAT);
    request.set_subscriber_id(absl::StrCat("bench-wechat-", n_));
    while (true) {
      grpc::ClientContext ctx;
      Authorize(&ctx);
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return;
        ctx_ = &ctx;
      }
      auto reader = stub_->Subscribe(&ctx, request);
      connected_ = true;
      v1::Delivery d;
      while (reader->Read(&d)) {
        const int64_t now = NowNs();
        ToAck item;
        item.delivery_id = d.delivery_id();
        item.message_ids.push_back(d.message_id());
        for (const std::string& id : d.merged_message_ids()) item.message_ids.push_back(id);
        for (const std::string& id : item.message_ids) tracker_->Received(id, now);
        {
          std::lock_guard<std::mutex> lock(mu_);
          pending_.push_back(std::move(item));
        }
        if (pending_size_.fetch_add(1) + 1 >= absl::GetFlag(FLAGS_ack_batch)) cv_.notify_one();
      }
      grpc::Status status = reader->Finish();
      connected_ = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ctx_ = nullptr;
        if (stopping_) return;
        last_error_ = absl::StrCat(CodeName(status.error_code()), ": ", status.error_message());
      }
      reconnects_.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  void AckLoop() {
    const int batch = std::clamp(absl::GetFlag(FLAGS_ack_batch), 1, 1000);
    const auto interval = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_ack_interval));
    while (true) {
      std::vector<ToAck> items;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, interval,
                     [&] { return stopping_ || static_cast<int>(pending_.size()) >= batch; });
        if (stopping_ && pending_.empty()) return;
        while (!pending_.empty() && static_cast<int>(items.size()) < batch) {
          items.push_back(std::move(pending_.front()));
          pending_.pop_front();
        }
      }
      pending_size_.fetch_sub(static_cast<int>(items.size()));
      if (items.empty()) continue;
      v1::AckRequest request;
      for (const ToAck& item : items) {
        v1::DeliveryAck* ack = request.add_acks();
        ack->set_delivery_id(item.delivery_id);
        ack->set_ok(true);
      }
      v1::AckResponse response;
      grpc::ClientContext ctx;
      Authorize(&ctx);
      ctx.set_deadline(In(std::chrono::seconds(10)));
      grpc::Status status = stub_->Ack(&ctx, request, &response);
      ack_calls_.fetch_add(1);
      if (!status.ok()) {
        ack_errors_.fetch_add(1);
        std::lock_guard<std::mutex> lock(mu_);
        last_error_ =
            absl::StrCat("Ack ", CodeName(status.error_code()), ": ", status.error_message());
        if (stopping_) return;
        // Again next round (the server would also redeliver after its ack
        // timeout).
        for (auto it = items.rbegin(); it != items.rend(); ++it)
          pending_.push_front(std::move(*it));
        pending_size_.fetch_add(static_cast<int>(items.size()));
        continue;
      }
      applied_.fetch_add(response.applied());
      stale_.fetch_add(response.stale());
      const int64_t now = NowNs();
      std::vector<std::string> ids;
      for (ToAck& item : items) {
        for (std::string& id : item.message_ids) ids.push_back(std::move(id));
      }
      tracker_->Acked(ids, now);
    }
  }

  const int n_;
  const std::string token_;
  Tracker* const tracker_;
  std::unique_ptr<v1::NotificationService::Stub> stub_;
  std::thread reader_, acker_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;               // guarded by mu_
  grpc::ClientContext* ctx_ = nullptr;  // guarded by mu_: the open stream
  std::deque<ToAck> pending_;           // guarded by mu_
  std::string last_error_;              // guarded by mu_
  std::atomic<int> pending_size_{0};
  std::atomic<bool> connected_{false};
  std::atomic<int64_t> reconnects_{0}, ack_calls_{0}, ack_errors_{0}, applied_{0}, stale_{0};
};

// ------------------------------------------------------------------ enqueuer

// Builds notifications: kinds mixed, job alerts spread so no worker gets
// more than --daily_cap of them.
class Composer {
 public:
  Composer(std::vector<std::string> workers, std::string run_id)
      : workers_(std::move(workers)),
        run_id_(std::move(run_id)),
        job_alerts_(workers_.size(), 0),
        rng_(absl::GetFlag(FLAGS_seed)) {}

  // One notification of `kind` (UNSPECIFIED = drawn from the mix) for the
  // next worker in turn.
  v1::Notification Next(v1::NotificationKind kind = v1::NOTIFICATION_KIND_UNSPECIFIED) {
    const uint64_t seq = seq_++;
    if (kind == v1::NOTIFICATION_KIND_UNSPECIFIED) {
      const double r = std::uniform_real_distribution<double>(0, 1)(rng_);
      const double job = absl::GetFlag(FLAGS_job_alert_share);
      if (r < job && job_alert_budget_left_) {
        kind = v1::NOTIFICATION_KIND_JOB_ALERT;
      } else {
        static constexpr v1::NotificationKind kOthers[] = {v1::NOTIFICATION_KIND_POLICY_NOTICE,
                                                           v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT,
                                                           v1::NOTIFICATION_KIND_RETURN_TRANSPORT};
        kind = kOthers[seq % 3];
      }
    }
    v1::Notification n;
    n.set_idempotency_key(absl::StrCat("bench-", run_id_, "-", seq));
    n.set_kind(kind);
    n.set_channel(v1::CHANNEL_WECHAT);
    if (absl::GetFlag(FLAGS_urgent)) n.set_priority(v1::PRIORITY_URGENT);
    auto& p = *n.mutable_payload();
    switch (kind) {
      case v1::NOTIFICATION_KIND_JOB_ALERT: {
        // Next worker with job-alert budget left.
        size_t tries = 0;
        while (job_alerts_[job_cursor_] >= absl::GetFlag(FLAGS_daily_cap) &&
               tries++ < workers_.size()) {
          job_cursor_ = (job_cursor_ + 1) % workers_.size();
        }
        if (job_alerts_[job_cursor_] >= absl::GetFlag(FLAGS_daily_cap)) {
          job_alert_budget_left_ = false;  // all used: the rest of the run has none
          return Next(v1::NOTIFICATION_KIND_POLICY_NOTICE);
        }
        ++job_alerts_[job_cursor_];
        n.set_worker_id(workers_[job_cursor_]);
        job_cursor_ = (job_cursor_ + 1) % workers_.size();
        static constexpr const char* kTitles[] = {"电子设备装接工", "砌筑工", "叉车司机",
                                                  "中式烹调师", "焊工"};
        p["vacancy_id"] = absl::StrCat("v_bench_", seq % 5000);
        p["title"] = kTitles[seq % 5];
        p["wage"] = absl::StrCat(4500 + (seq % 10) * 200, "-", 6500 + (seq % 10) * 300, "元/月");
        p["location"] = "四川省达州市通川区";
        p["place"] = "通川区";
        p["reason"] = "技能匹配，离家近";
        p["score"] = absl::StrCat(60 + seq % 40);
        return n;
      }
      case v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT:
        p["fair_name"] = "春风行动专场招聘会";
        p["date"] = "2027-02-20";
        p["time"] = "09:00-12:00";
        p["venue"] = "通川区人力资源市场";
        break;
      case v1::NOTIFICATION_KIND_RETURN_TRANSPORT:
        p["route"] = "达州—东莞返岗专车";
        p["date"] = "2027-02-18";
        p["time"] = "07:30";
        p["meeting_point"] = "达州汽车客运中心";
        break;
      default:
        n.set_kind(v1::NOTIFICATION_KIND_POLICY_NOTICE);
        p["title"] = "返乡创业扶持政策";
        p["summary"] = "返乡创业可申请一次性补贴和担保贷款，详情请咨询镇就业服务站";
        break;
    }
    n.set_worker_id(workers_[other_cursor_]);
    other_cursor_ = (other_cursor_ + 1) % workers_.size();
    return n;
  }

 private:
  std::vector<std::string> workers_;
  std::string run_id_;
  std::vector<int> job_alerts_;
  size_t job_cursor_ = 0, other_cursor_ = 0;
  bool job_alert_budget_left_ = true;
  uint64_t seq_ = 0;
  std::mt19937_64 rng_;
};

struct PhaseSpec {
  std::string label;
  int index = 0;
  double rate = 0;          // 0 = closed loop
  int64_t messages = 0;     // > 0: stop after this many (warm-up)
  absl::Duration duration;  // otherwise stop after this long
  v1::NotificationKind kind = v1::NOTIFICATION_KIND_UNSPECIFIED;
};

// Issues Enqueue calls (callback API) and records what they return.
class Enqueuer {
 public:
  Enqueuer(std::string token, Tracker* tracker, Composer* composer)
      : token_(std::move(token)), tracker_(tracker), composer_(composer) {
    for (int i = 0; i < std::max(1, absl::GetFlag(FLAGS_channels)); ++i) {
      stubs_.push_back(
          v1::NotificationService::NewStub(NewChannel(absl::GetFlag(FLAGS_target), i)));
    }
  }

  struct Counts {
    int64_t calls = 0, ok = 0, retried = 0, failed_messages = 0, duplicates = 0;
    std::map<std::string, int64_t> errors;  // code -> count
    std::string first_error;
  };

  // Runs one phase: returns when every call has been answered (retries of
  // RESOURCE_EXHAUSTED / UNAVAILABLE included).
  Counts Run(const PhaseSpec& spec, int64_t* t0_ns, int64_t* t_end_ns) {
    {
      absl::MutexLock lock(&mu_);
      counts_ = Counts{};
      phase_ = spec.index;
    }
    const int batch = std::clamp(absl::GetFlag(FLAGS_batch), 1, 1000);
    const int max_in_flight = std::max(1, absl::GetFlag(FLAGS_max_in_flight));
    const int64_t window = absl::GetFlag(FLAGS_window);
    const int64_t t0 = NowNs();
    const int64_t end = t0 + absl::ToInt64Nanoseconds(spec.duration);
    const double interval_ns = spec.rate > 0 ? 1e9 * batch / spec.rate : 0;
    *t0_ns = t0;
    int64_t issued_messages = 0;
    for (int64_t k = 0;; ++k) {
      if (spec.messages > 0 ? issued_messages >= spec.messages : NowNs() >= end) break;
      int64_t start = NowNs();
      if (spec.rate > 0) {
        start = t0 + static_cast<int64_t>(interval_ns * static_cast<double>(k));
        if (start >= end) break;
        SleepUntilNs(start);
      }
      // Room for one more call (and, closed loop, for its messages).
      while (true) {
        IssueDueRetries();
        const bool room =
            in_flight_.load() < max_in_flight &&
            (spec.rate > 0 || submitted_.load() - tracker_->received_unique() + batch <= window);
        if (room) break;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        if (spec.messages == 0 && NowNs() >= end) break;
      }
      if (spec.messages == 0 && NowNs() >= end && spec.rate == 0) break;
      if (spec.rate == 0) start = NowNs();
      auto call = std::make_unique<Call>();
      const int64_t n =
          spec.messages > 0 ? std::min<int64_t>(batch, spec.messages - issued_messages) : batch;
      for (int64_t i = 0; i < n; ++i)
        *call->request.add_notifications() = composer_->Next(spec.kind);
      call->start_ns = start;
      call->phase = spec.index;
      issued_messages += n;
      submitted_.fetch_add(n);
      if (replay_.size() < static_cast<size_t>(absl::GetFlag(FLAGS_replay_batches)) &&
          spec.messages == 0) {
        replay_.push_back(call->request);
      }
      Issue(std::move(call));
    }
    // Every call answered, retries included.
    while (in_flight_.load() > 0 || HasRetries()) {
      IssueDueRetries();
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    *t_end_ns = NowNs();
    absl::MutexLock lock(&mu_);
    return counts_;
  }

  // Sends the recorded first batches again; every result must be a
  // duplicate with the original message id.
  std::pair<int64_t, int64_t> Replay() {
    int64_t total = 0, duplicates = 0;
    for (const v1::EnqueueRequest& request : replay_) {
      v1::EnqueueResponse response;
      grpc::ClientContext ctx;
      AddAuth(&ctx, token_);
      ctx.set_deadline(In(std::chrono::seconds(30)));
      grpc::Status status = stubs_[0]->Enqueue(&ctx, request, &response);
      total += request.notifications_size();
      if (!status.ok()) continue;
      for (const v1::EnqueueResult& r : response.results()) duplicates += r.duplicate() ? 1 : 0;
    }
    return {total, duplicates};
  }

  int64_t submitted() const { return submitted_.load(); }

 private:
  struct Call {
    v1::EnqueueRequest request;
    v1::EnqueueResponse response;
    std::unique_ptr<grpc::ClientContext> ctx;
    int64_t start_ns = 0;
    int64_t retry_at_ns = 0;
    int phase = 0;
  };

  void Issue(std::unique_ptr<Call> call) {
    in_flight_.fetch_add(1);
    call->ctx = std::make_unique<grpc::ClientContext>();
    AddAuth(call->ctx.get(), token_);
    call->ctx->set_deadline(In(std::chrono::seconds(30)));
    call->response.Clear();
    Call* raw = call.release();
    auto& stub = stubs_[next_stub_++ % stubs_.size()];
    stub->async()->Enqueue(raw->ctx.get(), &raw->request, &raw->response,
                           [this, raw](grpc::Status status) { Done(raw, status); });
  }

  void Done(Call* raw, const grpc::Status& status) {
    std::unique_ptr<Call> call(raw);
    absl::MutexLock lock(&mu_);
    ++counts_.calls;
    if (status.ok()) {
      ++counts_.ok;
      for (const v1::EnqueueResult& r : call->response.results()) {
        if (r.duplicate()) {
          ++counts_.duplicates;
          submitted_.fetch_sub(1);  // nothing new will arrive
          continue;
        }
        tracker_->Enqueued(r.message_id(), call->start_ns, call->phase);
      }
    } else {
      const std::string code = CodeName(status.error_code());
      ++counts_.errors[code];
      if (counts_.first_error.empty()) counts_.first_error = code + ": " + status.error_message();
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
          status.error_code() == grpc::StatusCode::UNAVAILABLE ||
          status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
        // Same keys again after a pause: the server deduplicates.
        ++counts_.retried;
        call->retry_at_ns = NowNs() + 20'000'000;
        retries_.push_back(std::move(call));
      } else {
        counts_.failed_messages += call->request.notifications_size();
        submitted_.fetch_sub(call->request.notifications_size());
      }
    }
    in_flight_.fetch_sub(1);
  }

  bool HasRetries() {
    absl::MutexLock lock(&mu_);
    return !retries_.empty();
  }

  void IssueDueRetries() {
    std::vector<std::unique_ptr<Call>> due;
    {
      absl::MutexLock lock(&mu_);
      const int64_t now = NowNs();
      while (!retries_.empty() && retries_.front()->retry_at_ns <= now) {
        due.push_back(std::move(retries_.front()));
        retries_.pop_front();
      }
    }
    for (auto& call : due) Issue(std::move(call));
  }

  const std::string token_;
  Tracker* const tracker_;
  Composer* const composer_;
  std::vector<std::unique_ptr<v1::NotificationService::Stub>> stubs_;
  size_t next_stub_ = 0;
  std::atomic<int> in_flight_{0};
  std::atomic<int64_t> submitted_{0};
  std::vector<v1::EnqueueRequest> replay_;
  absl::Mutex mu_;
  Counts counts_ ABSL_GUARDED_BY(mu_);
  int phase_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<std::unique_ptr<Call>> retries_ ABSL_GUARDED_BY(mu_);
};

// ------------------------------------------------------------------- report

double PercentileMs(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return static_cast<double>(v[i]) / 1e6;
}

struct PhaseReport {
  double delivered_per_s = 0;
  double p99_ms = 0;
  bool ok = true;
};

// The status history of one message, times relative to its creation: why
// the slowest message of a phase took so long.
void PrintHistory(v1::NotificationService::Stub* stub, const std::string& token,
                  const std::string& message_id) {
  v1::GetMessageRequest request;
  request.set_message_id(message_id);
  v1::Message m;
  grpc::ClientContext ctx;
  AddAuth(&ctx, token);
  ctx.set_deadline(In(std::chrono::seconds(10)));
  grpc::Status status = stub->GetMessage(&ctx, request, &m);
  if (!status.ok()) {
    std::printf("  slowest message %s: GetMessage %s\n", message_id.c_str(),
                CodeName(status.error_code()).c_str());
    return;
  }
  using google::protobuf::util::TimeUtil;
  const int64_t created = TimeUtil::TimestampToMicroseconds(m.created_at());
  std::string line;
  for (const v1::StatusChange& c : m.history()) {
    absl::StrAppendFormat(
        &line, " +%.0fms %s (%s);",
        static_cast<double>(TimeUtil::TimestampToMicroseconds(c.at()) - created) / 1e3,
        v1::NotificationStatus_Name(c.status()).substr(20), c.reason());
  }
  std::printf("  slowest message %s (%s) history:%s\n", message_id.c_str(),
              v1::NotificationKind_Name(m.kind()).c_str(), line.c_str());
}

PhaseReport RunPhase(const PhaseSpec& spec, Enqueuer* enqueuer, Tracker* tracker,
                     const std::vector<std::unique_ptr<Subscriber>>& subscribers,
                     v1::NotificationService::Stub* stub, const std::string& token) {
  std::printf("== %s: %s\n", spec.label.c_str(),
              spec.messages > 0 ? absl::StrFormat("%d messages, closed loop", spec.messages).c_str()
              : spec.rate > 0
                  ? absl::StrFormat("open loop at %.0f notifications/s for %s", spec.rate,
                                    absl::FormatDuration(spec.duration))
                        .c_str()
                  : absl::StrFormat("closed loop (window %d) for %s", absl::GetFlag(FLAGS_window),
                                    absl::FormatDuration(spec.duration))
                        .c_str());
  std::fflush(stdout);
  const int64_t received_before = tracker->received_total();
  const auto procs = WatchedProcesses();
  const std::vector<double> cpu_before = CpuNow(procs);
  int64_t t0 = 0, t_enq_end = 0;
  Enqueuer::Counts counts = enqueuer->Run(spec, &t0, &t_enq_end);
  const int64_t drain_deadline =
      NowNs() + absl::ToInt64Nanoseconds(absl::GetFlag(FLAGS_drain_timeout));
  // Until every message of the phase arrived, the timeout passed, or
  // nothing arrived for 10 s (the server stopped sending: report it).
  int64_t last_progress_ns = NowNs(), last_seen = tracker->received_unique();
  while (!tracker->Drained(spec.index) && NowNs() < drain_deadline &&
         NowNs() - last_progress_ns < 10'000'000'000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (tracker->received_unique() != last_seen) {
      last_seen = tracker->received_unique();
      last_progress_ns = NowNs();
    }
  }
  // Let the last acks complete.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Tracker::PhaseResult r = tracker->Collect(spec.index);
  const double enq_seconds = static_cast<double>(t_enq_end - t0) / 1e9;
  const double seconds = static_cast<double>(std::max(r.last_recv_ns, t_enq_end) - t0) / 1e9;
  const double ack_seconds = static_cast<double>(std::max(r.last_ack_ns, t_enq_end) - t0) / 1e9;
  PhaseReport report;
  report.delivered_per_s = seconds > 0 ? static_cast<double>(r.delivered) / seconds : 0;
  const double acked_per_s = ack_seconds > 0 ? static_cast<double>(r.acked) / ack_seconds : 0;
  const double r50 = PercentileMs(r.to_recv, 0.50), r90 = PercentileMs(r.to_recv, 0.90),
               r99 = PercentileMs(r.to_recv, 0.99), rmax = PercentileMs(r.to_recv, 1.0);
  const double a50 = PercentileMs(r.to_ack, 0.50), a99 = PercentileMs(r.to_ack, 0.99),
               amax = PercentileMs(r.to_ack, 1.0);
  report.p99_ms = r99;
  std::string errors;
  for (const auto& [code, n] : counts.errors) absl::StrAppend(&errors, " ", code, "=", n);
  std::printf("  enqueue: %lld calls (%lld ok%s%s), %lld messages accepted in %.2f s (%.0f/s)%s\n",
              static_cast<long long>(counts.calls), static_cast<long long>(counts.ok),
              errors.empty() ? "" : ", errors:", errors.c_str(), static_cast<long long>(r.accepted),
              enq_seconds, static_cast<double>(r.accepted) / enq_seconds,
              counts.failed_messages > 0
                  ? absl::StrFormat(", %lld messages rejected",
                                    static_cast<long long>(counts.failed_messages))
                        .c_str()
                  : "");
  if (!counts.first_error.empty()) std::printf("  first error: %s\n", counts.first_error.c_str());
  std::printf(
      "  delivered: %lld of %lld in %.2f s: %.0f delivered/s; acked %lld (%.0f acked/s); "
      "missing %lld, duplicate arrivals %lld\n",
      static_cast<long long>(r.delivered), static_cast<long long>(r.accepted), seconds,
      report.delivered_per_s, static_cast<long long>(r.acked), acked_per_s,
      static_cast<long long>(r.missing), static_cast<long long>(r.duplicates));
  std::printf(
      "  latency enqueue-start -> delivery: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n"
      "  latency enqueue-start -> ack done: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      r50, r90, r99, rmax, a50, a99, amax);
  // The three seconds with the slowest deliveries (when latency is high).
  if (r99 > 100) {
    std::vector<std::pair<int64_t, int64_t>> worst;  // max ns, second
    for (const auto& [sec, v] : r.by_second) worst.push_back({v.second, sec});
    std::sort(worst.rbegin(), worst.rend());
    std::string line;
    for (size_t i = 0; i < worst.size() && i < 3; ++i) {
      absl::StrAppendFormat(&line, " t+%llds: max %.0f ms (%lld msgs);",
                            static_cast<long long>(worst[i].second - t0 / 1'000'000'000),
                            static_cast<double>(worst[i].first) / 1e6,
                            static_cast<long long>(r.by_second[worst[i].second].first));
    }
    std::printf("  slowest seconds (by enqueue start):%s\n", line.c_str());
    if (!r.slowest_id.empty()) PrintHistory(stub, token, r.slowest_id);
  }
  {
    const std::vector<double> cpu_after = CpuNow(procs);
    std::string line;
    for (size_t i = 0; i < cpu_after.size(); ++i) {
      const double used = cpu_after[i] - cpu_before[i];
      absl::StrAppendFormat(&line, " %s %.1f s (%.0f us/message);",
                            i < procs.size() ? procs[i].first : "notify_bench", used,
                            r.delivered > 0 ? 1e6 * used / static_cast<double>(r.delivered) : 0.0);
    }
    std::printf("  CPU in the phase (%.1f s wall):%s\n", static_cast<double>(NowNs() - t0) / 1e9,
                line.c_str());
  }
  std::printf("  arrivals at subscribers in the phase (digests count once): %lld\n",
              static_cast<long long>(tracker->received_total() - received_before));
  for (const auto& s : subscribers) {
    if (!s->connected() || s->reconnects() > 0 || s->ack_errors() > 0) {
      std::printf("  subscriber: connected=%d reconnects=%lld ack errors=%lld last: %s\n",
                  s->connected() ? 1 : 0, static_cast<long long>(s->reconnects()),
                  static_cast<long long>(s->ack_errors()), s->last_error().c_str());
    }
  }
  report.ok = r.missing == 0 && r.duplicates == 0 && counts.failed_messages == 0;
  if (absl::GetFlag(FLAGS_json)) {
    std::printf(
        "{\"phase\":\"%s\",\"offered_rate\":%.0f,\"batch\":%d,\"subscribers\":%d,"
        "\"accepted\":%lld,\"delivered\":%lld,\"missing\":%lld,\"duplicates\":%lld,"
        "\"seconds\":%.3f,\"delivered_per_s\":%.1f,\"acked_per_s\":%.1f,\"p50_ms\":%.2f,"
        "\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"ack_p50_ms\":%.2f,\"ack_p99_ms\":%.2f,"
        "\"enqueue_errors\":%lld}\n",
        spec.label.c_str(), spec.rate, absl::GetFlag(FLAGS_batch), absl::GetFlag(FLAGS_subscribers),
        static_cast<long long>(r.accepted), static_cast<long long>(r.delivered),
        static_cast<long long>(r.missing), static_cast<long long>(r.duplicates), seconds,
        report.delivered_per_s, acked_per_s, r50, r90, r99, rmax, a50, a99,
        static_cast<long long>(counts.calls - counts.ok));
  }
  std::fflush(stdout);
  return report;
}

bool PrintStats(v1::NotificationService::Stub* stub, const std::string& token, int64_t accepted) {
  v1::StatsRequest request;
  const absl::Time now = absl::Now();
  *request.mutable_from() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(now - absl::Hours(24)));
  *request.mutable_to() = google::protobuf::util::TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(now + absl::Hours(1)));
  v1::StatsResponse response;
  grpc::ClientContext ctx;
  AddAuth(&ctx, token);
  ctx.set_deadline(In(std::chrono::seconds(30)));
  grpc::Status status = stub->GetStats(&ctx, request, &response);
  if (!status.ok()) {
    std::printf("GetStats: %s: %s\n", CodeName(status.error_code()).c_str(),
                status.error_message().c_str());
    return false;
  }
  std::map<std::string, int64_t> by_status;
  std::printf("server GetStats (last 24 h, every client of this server):\n");
  for (const v1::StatsRow& row : response.rows()) {
    std::printf("  %-34s %-16s %-28s %lld\n", v1::NotificationKind_Name(row.kind()).c_str(),
                v1::Channel_Name(row.channel()).c_str(),
                v1::NotificationStatus_Name(row.status()).c_str(),
                static_cast<long long>(row.count()));
    by_status[v1::NotificationStatus_Name(row.status())] += row.count();
  }
  std::string line;
  for (const auto& [name, n] : by_status) absl::StrAppend(&line, " ", name, "=", n);
  std::printf("  by status:%s (total %lld; this run accepted %lld)\n", line.c_str(),
              static_cast<long long>(response.total()), static_cast<long long>(accepted));
  return true;
}

int Main() {
  const std::string token = ReadToken(absl::GetFlag(FLAGS_token_file));
  const std::string wechat_token = ReadToken(absl::GetFlag(FLAGS_subscriber_token_file));
  if (token.empty() || wechat_token.empty()) {
    std::fprintf(stderr, "--token_file (admin) and --subscriber_token_file are required\n");
    return 2;
  }
  std::vector<std::string> workers = RegisterWorkers(token);
  if (workers.empty()) return 1;

  Tracker tracker;
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (int i = 0; i < std::max(1, absl::GetFlag(FLAGS_subscribers)); ++i) {
    subscribers.push_back(std::make_unique<Subscriber>(i, wechat_token, &tracker));
    subscribers.back()->Start();
  }
  // Subscribed before the first message (else it waits no_subscriber_retry).
  for (int i = 0; i < 100; ++i) {
    bool all = true;
    for (const auto& s : subscribers) all = all && s->connected();
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  std::string run_id = absl::GetFlag(FLAGS_run_id);
  if (run_id.empty()) run_id = absl::StrCat(absl::ToUnixMicros(absl::Now()));
  Composer composer(workers, run_id);
  Enqueuer enqueuer(token, &tracker, &composer);
  std::printf(
      "run %s: %zu workers, batch %d, %d Enqueue calls in flight at most over %d connections, "
      "%d subscriber(s) acking up to %d every %s, job alerts %.0f%%%s\n",
      run_id.c_str(), workers.size(), absl::GetFlag(FLAGS_batch),
      absl::GetFlag(FLAGS_max_in_flight), absl::GetFlag(FLAGS_channels),
      absl::GetFlag(FLAGS_subscribers), absl::GetFlag(FLAGS_ack_batch),
      absl::FormatDuration(absl::GetFlag(FLAGS_ack_interval)).c_str(),
      100 * absl::GetFlag(FLAGS_job_alert_share), absl::GetFlag(FLAGS_urgent) ? ", urgent" : "");

  auto stats_stub = v1::NotificationService::NewStub(NewChannel(absl::GetFlag(FLAGS_target), 99));
  bool ok = true;
  int phase = 0;
  if (absl::GetFlag(FLAGS_warmup)) {
    PhaseSpec warm;
    warm.label = "warmup";
    warm.index = phase++;
    warm.messages = static_cast<int64_t>(workers.size());
    warm.kind = v1::NOTIFICATION_KIND_POLICY_NOTICE;
    ok = RunPhase(warm, &enqueuer, &tracker, subscribers, stats_stub.get(), token).ok && ok;
  }
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  double peak = 0, half_p99 = 0;
  if (absl::GetFlag(FLAGS_find_peak)) {
    PhaseSpec closed;
    closed.label = "peak";
    closed.index = phase++;
    closed.duration = duration;
    PhaseReport p = RunPhase(closed, &enqueuer, &tracker, subscribers, stats_stub.get(), token);
    ok = p.ok && ok;
    peak = p.delivered_per_s;
    if (peak < 1) {
      std::printf("no peak measured (nothing delivered): no half-peak phase\n");
      ok = false;
    }
  }
  if (peak >= 1) {
    PhaseSpec half;
    half.label = "half_peak";
    half.index = phase++;
    half.rate = peak / 2;
    half.duration = duration;
    PhaseReport h = RunPhase(half, &enqueuer, &tracker, subscribers, stats_stub.get(), token);
    ok = h.ok && ok;
    half_p99 = h.p99_ms;
  }
  if (!absl::GetFlag(FLAGS_find_peak)) {
    PhaseSpec one;
    one.label = absl::GetFlag(FLAGS_rate) > 0 ? "open_loop" : "closed_loop";
    one.index = phase++;
    one.rate = absl::GetFlag(FLAGS_rate);
    one.duration = duration;
    PhaseReport p = RunPhase(one, &enqueuer, &tracker, subscribers, stats_stub.get(), token);
    ok = p.ok && ok;
  }

  // Idempotent replay: the same keys again send nothing new.
  const int64_t arrivals_before = tracker.received_total();
  auto [replayed, replay_dups] = enqueuer.Replay();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int64_t replay_new = tracker.received_total() - arrivals_before;
  if (replayed > 0) {
    std::printf(
        "replay: %lld notifications sent again: %lld answered duplicate, %lld new arrivals\n",
        static_cast<long long>(replayed), static_cast<long long>(replay_dups),
        static_cast<long long>(replay_new));
    ok = ok && replay_dups == replayed && replay_new == 0;
  }

  auto [dups, foreign] = tracker.DuplicatesAndForeign();
  int64_t accepted = 0;
  for (int i = 0; i < phase; ++i) accepted += tracker.accepted(i);
  std::printf(
      "whole run: %lld messages accepted, %lld arrived (unique), %lld duplicate arrivals, "
      "%lld ids not from this run\n",
      static_cast<long long>(accepted), static_cast<long long>(tracker.received_unique()),
      static_cast<long long>(dups), static_cast<long long>(foreign));
  int64_t ack_calls = 0, applied = 0, stale = 0;
  for (const auto& s : subscribers) {
    ack_calls += s->ack_calls();
    applied += s->applied();
    stale += s->stale();
  }
  std::printf("acks: %lld Ack calls, %lld applied, %lld stale\n", static_cast<long long>(ack_calls),
              static_cast<long long>(applied), static_cast<long long>(stale));
  ok = PrintStats(stats_stub.get(), token, accepted) && ok;
  if (peak > 0) {
    std::printf("SUMMARY peak %.0f delivered/s; at half peak (%.0f/s) p99 %.1f ms; %s\n", peak,
                peak / 2, half_p99, ok ? "every message delivered exactly once" : "CHECKS FAILED");
  }
  for (auto& s : subscribers) s->Stop();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "notify_bench CPU: %.1f s user, %.1f s system (it shares the machine with the servers)\n",
      static_cast<double>(usage.ru_utime.tv_sec) + usage.ru_utime.tv_usec / 1e6,
      static_cast<double>(usage.ru_stime.tv_sec) + usage.ru_stime.tv_usec / 1e6);
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace labor::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "notify_bench: NotificationService end to end (Enqueue -> acked delivery at local WeChat "
      "subscribers); see bench/README.md");
  absl::ParseCommandLine(argc, argv);
  return labor::bench::Main();
}

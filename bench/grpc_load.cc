// grpc_load: a load generator for labor.v1.ProfileService (the real
// profile_server or bench/hello_server).
//
// Closed loop (default, --rate=0): `concurrency` calls are always in flight,
// spread over `channels` separate HTTP/2 connections; each completion issues
// the next call. This finds the peak throughput.
// Open loop (--rate=R): calls start on a fixed schedule of R per second (at
// most `concurrency` in flight); latency is measured from the scheduled start,
// so a stalled server shows up as latency instead of silently lowering the
// offered load (no coordinated omission). --half_peak runs the closed loop,
// then an open loop at half the peak it found: the p99 there is the
// "latency at a comfortable load" figure.
//
// Modes: get (GetWorker by worker_id from --ids_file, round robin, or the
// fixed --worker_id) and register (RegisterWorker with synthetic, valid,
// unique Tongchuan workers). Prints a summary, and one JSON line per phase
// with --json.
//
// Transports (--transport): grpcpp, the gRPC C++ callback client (generic
// stub), or h2, a lean gRPC client on libnghttp2 (bench/h2_transport.h) that
// costs the load tool far less CPU per call; on a small machine shared with
// the server under test that CPU would otherwise be taken from the server.
// Both get the same pre-serialized requests (bench/load_transport.h), so the
// phase logic below is the same for both.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/h2_transport.h"
#include "bench/load_transport.h"
#include "bench/synthetic_worker.h"
#include "labor/v1/profile.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "server address host:port");
ABSL_FLAG(std::string, mode, "get", "get | register");
ABSL_FLAG(int, concurrency, 64, "calls in flight at most (closed loop: always)");
ABSL_FLAG(int, channels, 4, "separate connections the calls are spread over");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "measured time per phase");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "unmeasured load before each phase");
ABSL_FLAG(double, rate, 0, "open loop: calls started per second; 0 = closed loop (peak)");
ABSL_FLAG(bool, half_peak, false,
          "after the closed-loop phase, run an open-loop phase at half its throughput");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5), "per-call deadline");
ABSL_FLAG(std::string, worker_id, "w-hello", "get: the worker id asked for (without --ids_file)");
ABSL_FLAG(std::string, ids_file, "", "get: worker ids, one per line, used round robin");
ABSL_FLAG(int64_t, id_offset, -1,
          "register: first synthetic worker index (-1 = random; printed, reuse it to replay)");
ABSL_FLAG(bool, upsert, false, "register: upsert instead of failing on an existing ID number");
ABSL_FLAG(std::string, token, "", "bearer token");
ABSL_FLAG(std::string, token_file, "",
          "file whose first line is the bearer token (e.g. var/dev/tokens/admin.token)");
ABSL_FLAG(std::string, tls_ca_file, "", "CA bundle (PEM): use TLS");
ABSL_FLAG(std::string, tls_cert_file, "", "client certificate (PEM) for mTLS");
ABSL_FLAG(std::string, tls_key_file, "", "client key (PEM) for mTLS");
ABSL_FLAG(bool, json, false, "also print one JSON line per phase");
ABSL_FLAG(std::string, transport, "grpcpp",
          "grpcpp (gRPC C++ callback client) | h2 (lean libnghttp2 client, plain text only)");
ABSL_FLAG(int, h2_threads, 1, "h2: event-loop threads, each owning a share of the connections");
ABSL_FLAG(double, prepare_rate, 60000,
          "register, closed loop: requests are built before each phase for this many calls/s "
          "over warm-up + duration; calls beyond that build theirs inline (reported)");

namespace labor::bench {
namespace {

struct Config {
  std::string mode;
  std::string transport;
  int concurrency = 64;
  int channels = 4;
  absl::Duration duration, warmup, deadline;
  double rate = 0;  // 0 = closed loop
  double prepare_rate = 60000;
  std::string token;
  std::vector<std::string> ids;
  int64_t id_offset = 0;
  bool upsert = false;
};

struct Result {
  double rate = 0;  // offered rate (0 = closed loop)
  int64_t calls = 0;
  int64_t ok = 0;
  std::array<int64_t, 17> by_code{};
  std::array<std::string, 17> first_message;  // one grpc-message per error code
  double seconds = 0;
  double throughput = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};

// The serialized request of every call, built before the phase so that
// neither transport measures request construction. Call n (counted over the
// whole run, warm-up included) asks for ids[n % ids.size()] in get mode, and
// registers SyntheticWorker((id_offset + n) % kSyntheticWorkers) in register
// mode, so --id_offset replays or continues a run exactly.
class Requests {
 public:
  explicit Requests(const Config& config) : config_(config) {
    if (config_.mode == "get") {
      for (const std::string& id : config_.ids) {
        v1::GetWorkerRequest request;
        request.set_worker_id(id);
        get_.push_back(request.SerializeAsString());
      }
    }
  }

  // Register mode: builds the requests of calls [first, first + count) on
  // all cores (before the phase starts; the old ones are dropped).
  void Prepare(int64_t first, int64_t count) {
    if (config_.mode != "register") return;
    first_ = first;
    chunks_.clear();
    const int64_t chunks = std::max<int64_t>(1, (count + kChunk - 1) / kChunk);
    chunks_.resize(static_cast<size_t>(chunks));
    std::atomic<int64_t> next{0};
    auto build = [&] {
      for (int64_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) {
        Chunk& chunk = chunks_[static_cast<size_t>(c)];
        v1::RegisterWorkerRequest request;
        request.set_upsert(config_.upsert);
        for (int64_t i = 0; i < kChunk; ++i) {
          *request.mutable_worker() = SyntheticWorker(WorkerIndex(first + c * kChunk + i));
          request.AppendToString(&chunk.data);
          chunk.ends.push_back(chunk.data.size());
        }
      }
    };
    std::vector<std::thread> threads;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned t = 1; t < cores; ++t) threads.emplace_back(build);
    build();
    for (auto& t : threads) t.join();
  }

  // The request of call n; stays valid until the next Prepare. Thread-safe.
  absl::string_view ForCall(int64_t n) {
    if (config_.mode == "get") return get_[static_cast<size_t>(n) % get_.size()];
    const int64_t k = n - first_;
    if (k >= 0 && k < static_cast<int64_t>(chunks_.size()) * kChunk) {
      const Chunk& chunk = chunks_[static_cast<size_t>(k / kChunk)];
      const size_t i = static_cast<size_t>(k % kChunk);
      const size_t begin = i == 0 ? 0 : chunk.ends[i - 1];
      return absl::string_view(chunk.data).substr(begin, chunk.ends[i] - begin);
    }
    // Not prepared (the closed loop outran --prepare_rate): build it here.
    v1::RegisterWorkerRequest request;
    request.set_upsert(config_.upsert);
    *request.mutable_worker() = SyntheticWorker(WorkerIndex(n));
    absl::MutexLock lock(&mu_);
    ++inline_built_;
    return inline_.emplace_back(request.SerializeAsString());
  }

  // Requests built inside the measured loop so far, and forgets them.
  int64_t TakeInlineBuilt() {
    absl::MutexLock lock(&mu_);
    inline_.clear();
    return std::exchange(inline_built_, 0);
  }

 private:
  static constexpr int64_t kChunk = 4096;
  struct Chunk {
    std::string data;  // serialized requests back to back
    std::vector<size_t> ends;
  };

  int64_t WorkerIndex(int64_t n) const { return (config_.id_offset + n) % kSyntheticWorkers; }

  const Config& config_;
  std::vector<std::string> get_;
  int64_t first_ = 0;
  std::vector<Chunk> chunks_;
  absl::Mutex mu_;
  std::deque<std::string> inline_ ABSL_GUARDED_BY(mu_);
  int64_t inline_built_ ABSL_GUARDED_BY(mu_) = 0;
};

// The phase logic: which calls start when, what is in flight, what each
// measured call took. Transport-independent (bench/load_transport.h).
class LoadRunner final : public PhaseDriver {
 public:
  LoadRunner(const Config& config, LoadTransport* transport, Requests* requests)
      : config_(config), transport_(transport), requests_(requests) {}

  // One phase: warmup, then `duration` measured. rate 0 = closed loop.
  Result RunPhase(double rate) {
    {
      absl::MutexLock lock(&mu_);
      latencies_ns_.clear();
      by_code_.fill(0);
      for (std::string& m : first_message_) m.clear();
    }
    // Build the phase's requests first (register mode): enough for the
    // offered rate (open loop) or --prepare_rate (closed loop).
    const double seconds = absl::ToDoubleSeconds(config_.warmup + config_.duration);
    const double prepare_rate = rate > 0 ? rate : config_.prepare_rate;
    requests_->Prepare(next_index_.load(),
                       static_cast<int64_t>(prepare_rate * seconds * 1.01) + config_.concurrency);

    lanes_.assign(static_cast<size_t>(transport_->lanes()), LaneState{});
    closed_loop_ = rate <= 0;
    interval_ = std::chrono::duration<double>(closed_loop_ ? 0 : 1.0 / rate);
    phase_start_ = SteadyClock::now();
    measure_start_ = phase_start_ + absl::ToChronoNanoseconds(config_.warmup);
    end_ = measure_start_ + absl::ToChronoNanoseconds(config_.duration);
    transport_->RunPhase(this);
    if (int64_t built = requests_->TakeInlineBuilt(); built > 0) {
      std::fprintf(stderr,
                   "grpc_load: %lld requests were built inside the measured loop "
                   "(raise --prepare_rate)\n",
                   static_cast<long long>(built));
    }
    return Summarize(rate);
  }

  Wake Pump(int lane, SteadyClock::time_point now) override {
    LaneState& state = lanes_[static_cast<size_t>(lane)];
    if (closed_loop_) {
      if (!state.done) {
        state.done = true;
        for (int slot = 0; slot < config_.concurrency; ++slot) {
          if (transport_->LaneOf(slot) != lane) continue;
          in_flight_.fetch_add(1);
          Start(slot, now);
        }
      }
      return now < end_ ? Wake{end_, false} : Wake{SteadyClock::time_point::max(), true};
    }
    // Open loop: this lane's share of the global schedule (every lanes()-th
    // call, starting with call number `lane`).
    const int64_t lanes = static_cast<int64_t>(lanes_.size());
    while (!state.done) {
      const auto at = phase_start_ + std::chrono::duration_cast<SteadyClock::duration>(
                                         interval_ * (state.next * lanes + lane));
      if (at >= end_) {
        state.done = true;
        break;
      }
      if (at > now) return Wake{at, false};
      if (in_flight_.load() >= config_.concurrency) {
        return Wake{SteadyClock::time_point::max(), true};  // wait for room
      }
      in_flight_.fetch_add(1);
      ++state.next;
      Start(-1, at);  // latency counts from `at`
    }
    return Wake{now < end_ ? end_ : SteadyClock::time_point::max(), true};
  }

  void OnDone(int slot, SteadyClock::time_point start, int code,
              absl::string_view message) override {
    const auto now = SteadyClock::now();
    const bool measured = start >= measure_start_ && start < end_;
    const bool again = closed_loop_ && now < end_;
    if (again) Start(slot, now);  // same slot, in_flight unchanged
    if (measured) {
      absl::MutexLock lock(&mu_);
      latencies_ns_.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - start).count());
      if (code < 0 || code >= 17) code = 2;
      ++by_code_[code];
      if (code != 0 && first_message_[code].empty()) {
        first_message_[code] = message.empty() ? "(empty)" : std::string(message);
      }
    }
    if (!again) in_flight_.fetch_sub(1);  // last: Finished() may end the phase
  }

  bool Finished(int lane) override {
    return lanes_[static_cast<size_t>(lane)].done && in_flight_.load() == 0 &&
           SteadyClock::now() >= end_;
  }

 private:
  struct LaneState {
    bool done = false;  // all of this lane's calls started
    int64_t next = 0;   // open loop: this lane's next call in its schedule
  };

  void Start(int slot, SteadyClock::time_point start) {
    transport_->StartCall(slot, requests_->ForCall(next_index_.fetch_add(1)), start);
  }

  Result Summarize(double rate) {
    absl::MutexLock lock(&mu_);
    Result r;
    r.rate = rate;
    r.calls = static_cast<int64_t>(latencies_ns_.size());
    r.by_code = by_code_;
    r.first_message = first_message_;
    r.ok = by_code_[0];
    r.seconds = absl::ToDoubleSeconds(config_.duration);
    r.throughput = r.seconds > 0 ? static_cast<double>(r.calls) / r.seconds : 0;
    if (!latencies_ns_.empty()) {
      std::sort(latencies_ns_.begin(), latencies_ns_.end());
      auto quantile = [this](double q) {
        size_t rank = static_cast<size_t>(q * static_cast<double>(latencies_ns_.size()));
        return static_cast<double>(latencies_ns_[std::min(rank, latencies_ns_.size() - 1)]) / 1e6;
      };
      r.p50_ms = quantile(0.50);
      r.p90_ms = quantile(0.90);
      r.p99_ms = quantile(0.99);
      r.max_ms = static_cast<double>(latencies_ns_.back()) / 1e6;
      double sum = 0;
      for (int64_t ns : latencies_ns_) sum += static_cast<double>(ns);
      r.mean_ms = sum / static_cast<double>(latencies_ns_.size()) / 1e6;
    }
    return r;
  }

  const Config& config_;
  LoadTransport* const transport_;
  Requests* const requests_;
  std::atomic<int64_t> next_index_{0};
  std::atomic<int> in_flight_{0};
  // Set before each phase, read-only during it.
  std::vector<LaneState> lanes_;  // each entry touched only by its lane
  bool closed_loop_ = true;
  std::chrono::duration<double> interval_{0};
  SteadyClock::time_point phase_start_, measure_start_, end_;
  absl::Mutex mu_;
  std::vector<int64_t> latencies_ns_ ABSL_GUARDED_BY(mu_);
  std::array<int64_t, 17> by_code_ ABSL_GUARDED_BY(mu_){};
  std::array<std::string, 17> first_message_ ABSL_GUARDED_BY(mu_);
};

// --transport=grpcpp: the gRPC C++ callback client over `channels` separate
// channels, through the generic stub so the pre-serialized requests go out
// as they are; responses are parsed into their message type like the typed
// stub would. One lane: Pump runs on the calling thread, completions on
// gRPC's threads.
class GrpcppTransport final : public LoadTransport {
 public:
  GrpcppTransport(std::vector<std::unique_ptr<grpc::GenericStub>> stubs, RpcMethod method,
                  absl::Duration deadline, const std::string& token)
      : stubs_(std::move(stubs)),
        method_(std::move(method)),
        deadline_(deadline),
        authorization_(token.empty() ? "" : "Bearer " + token) {}

  int lanes() const override { return 1; }
  int LaneOf(int) const override { return 0; }

  void StartCall(int slot, absl::string_view request, SteadyClock::time_point start) override {
    auto* call = new Call;
    call->slot = slot;
    call->start = start;
    if (!authorization_.empty()) call->ctx.AddMetadata("authorization", authorization_);
    call->ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(deadline_));
    // The request bytes outlive the call (Requests), so no copy.
    grpc::Slice slice(request.data(), request.size(), grpc::Slice::STATIC_SLICE);
    call->request = grpc::ByteBuffer(&slice, 1);
    const size_t stub = slot >= 0 ? static_cast<size_t>(slot) : next_stub_.fetch_add(1);
    stubs_[stub % stubs_.size()]->UnaryCall(
        &call->ctx, method_.path, grpc::StubOptions(), &call->request, &call->response,
        [this, call](grpc::Status status) { Done(call, status); });
  }

  void RunPhase(PhaseDriver* driver) override {
    driver_ = driver;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      const int64_t seen = completions_.load();
      lock.unlock();
      const PhaseDriver::Wake wake = driver->Pump(0, SteadyClock::now());
      const bool finished = driver->Finished(0);
      lock.lock();
      if (finished) break;
      // Completions wake this thread only when the driver asked for it, so
      // the closed loop does not pay a thread wake-up per call.
      notify_.store(wake.on_completion);
      const auto until = std::min(wake.at, SteadyClock::now() + std::chrono::milliseconds(50));
      cv_.wait_until(lock, until, [&] { return notify_.load() && completions_.load() != seen; });
      notify_.store(false);
    }
    lock.unlock();
    // The last callback may still be between OnDone and its return.
    while (callbacks_running_.load() > 0) std::this_thread::yield();
    driver_ = nullptr;
  }

 private:
  struct Call {
    grpc::ClientContext ctx;
    grpc::ByteBuffer request, response;
    SteadyClock::time_point start;
    int slot = 0;
  };

  void Done(Call* call, const grpc::Status& status) {
    callbacks_running_.fetch_add(1);
    int code = status.error_code();
    std::string message = status.error_message();
    if (status.ok() && !ParseResponse(&call->response)) {
      code = grpc::StatusCode::INTERNAL;
      message = "cannot parse the response message";
    }
    const int slot = call->slot;
    const auto start = call->start;
    delete call;
    driver_->OnDone(slot, start, code, message);
    completions_.fetch_add(1);
    if (notify_.load()) {
      std::lock_guard<std::mutex> lock(mu_);
      cv_.notify_one();
    }
    callbacks_running_.fetch_sub(1);
  }

  bool ParseResponse(grpc::ByteBuffer* response) const {
    std::vector<grpc::Slice> slices;
    if (!response->Dump(&slices).ok()) return false;
    if (slices.size() == 1) {
      return method_.parse_response(
          absl::string_view(reinterpret_cast<const char*>(slices[0].begin()), slices[0].size()));
    }
    std::string bytes;
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return method_.parse_response(bytes);
  }

  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  const RpcMethod method_;
  const absl::Duration deadline_;
  const std::string authorization_;
  std::atomic<size_t> next_stub_{0};
  PhaseDriver* driver_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> notify_{false};
  std::atomic<int64_t> completions_{0};
  std::atomic<int> callbacks_running_{0};
};

bool ParseWorker(absl::string_view bytes) {
  v1::Worker message;
  return message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

bool ParseRegisterWorkerResponse(absl::string_view bytes) {
  v1::RegisterWorkerResponse message;
  return message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

RpcMethod MethodFor(const std::string& mode) {
  if (mode == "register") {
    return RpcMethod{"/labor.v1.ProfileService/RegisterWorker", ParseRegisterWorkerResponse};
  }
  return RpcMethod{"/labor.v1.ProfileService/GetWorker", ParseWorker};
}

std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

void Print(const std::string& phase, const Config& config, const Result& r) {
  std::printf("== %s: mode=%s transport=%s target=%s channels=%d concurrency=%d offered=%s\n",
              phase.c_str(), config.mode.c_str(), config.transport.c_str(),
              absl::GetFlag(FLAGS_target).c_str(), config.channels, config.concurrency,
              r.rate > 0 ? absl::StrFormat("%.0f/s", r.rate).c_str() : "max (closed loop)");
  std::vector<std::string> errors;
  for (int code = 1; code < 17; ++code) {
    if (r.by_code[code] > 0) errors.push_back(absl::StrCat(CodeName(code), "=", r.by_code[code]));
  }
  std::printf("   calls %lld in %.1fs: ok %lld, errors %lld%s\n", static_cast<long long>(r.calls),
              r.seconds, static_cast<long long>(r.ok), static_cast<long long>(r.calls - r.ok),
              errors.empty() ? "" : absl::StrCat(" (", absl::StrJoin(errors, ", "), ")").c_str());
  for (int code = 1; code < 17; ++code) {
    if (r.by_code[code] > 0) {
      std::printf("   first %s message: %s\n", CodeName(code).c_str(),
                  r.first_message[code].c_str());
    }
  }
  std::printf("   throughput %.0f calls/s\n", r.throughput);
  std::printf("   latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f\n", r.p50_ms,
              r.p90_ms, r.p99_ms, r.max_ms, r.mean_ms);
  if (absl::GetFlag(FLAGS_json)) {
    std::vector<std::string> codes;
    for (int code = 1; code < 17; ++code) {
      if (r.by_code[code] > 0)
        codes.push_back(absl::StrFormat("\"%s\":%d", CodeName(code), r.by_code[code]));
    }
    absl::PrintF(
        "{\"phase\":\"%s\",\"mode\":\"%s\",\"transport\":\"%s\",\"target\":\"%s\",\"channels\":%d,"
        "\"concurrency\":%d,"
        "\"offered_rate\":%.1f,\"seconds\":%.3f,\"calls\":%d,\"ok\":%d,\"errors\":{%s},"
        "\"throughput\":%.1f,\"p50_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f,"
        "\"mean_ms\":%.4f,\"id_offset\":%d}\n",
        phase, config.mode, config.transport, absl::GetFlag(FLAGS_target), config.channels,
        config.concurrency, r.rate, r.seconds, r.calls, r.ok, absl::StrJoin(codes, ","),
        r.throughput, r.p50_ms, r.p90_ms, r.p99_ms, r.max_ms, r.mean_ms,
        config.mode == "register" ? config.id_offset : -1);
  }
  std::fflush(stdout);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

absl::StatusOr<std::unique_ptr<LoadTransport>> ConnectGrpcpp(const Config& config) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!absl::GetFlag(FLAGS_tls_ca_file).empty()) {
    grpc::SslCredentialsOptions ssl;
    auto ca = ReadFile(absl::GetFlag(FLAGS_tls_ca_file));
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    if (!absl::GetFlag(FLAGS_tls_cert_file).empty()) {
      auto cert = ReadFile(absl::GetFlag(FLAGS_tls_cert_file));
      auto key = ReadFile(absl::GetFlag(FLAGS_tls_key_file));
      if (!cert.ok()) return cert.status();
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = *cert;
      ssl.pem_private_key = *key;
    }
    credentials = grpc::SslCredentials(ssl);
  }
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int i = 0; i < config.channels; ++i) {
    grpc::ChannelArguments args;
    // Own subchannel pool: otherwise channels to one target share one TCP
    // connection and "channels" would mean nothing.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(64 << 20);
    auto channel = grpc::CreateCustomChannel(absl::GetFlag(FLAGS_target), credentials, args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", absl::GetFlag(FLAGS_target)));
    }
    stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
  }
  return std::make_unique<GrpcppTransport>(std::move(stubs), MethodFor(config.mode),
                                           config.deadline, config.token);
}

absl::StatusOr<std::unique_ptr<LoadTransport>> Connect(const Config& config) {
  if (config.transport == "grpcpp") return ConnectGrpcpp(config);
  H2TransportOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.connections = config.channels;
  options.threads = std::max(1, absl::GetFlag(FLAGS_h2_threads));
  options.method = MethodFor(config.mode);
  options.deadline = config.deadline;
  options.token = config.token;
  return ConnectH2Transport(options);
}

int Main() {
  Config config;
  config.mode = absl::GetFlag(FLAGS_mode);
  config.concurrency = std::max(1, absl::GetFlag(FLAGS_concurrency));
  config.channels = std::max(1, absl::GetFlag(FLAGS_channels));
  config.duration = absl::GetFlag(FLAGS_duration);
  config.warmup = absl::GetFlag(FLAGS_warmup);
  config.deadline = absl::GetFlag(FLAGS_deadline);
  config.rate = absl::GetFlag(FLAGS_rate);
  config.upsert = absl::GetFlag(FLAGS_upsert);
  config.transport = absl::GetFlag(FLAGS_transport);
  config.prepare_rate = std::max(0.0, absl::GetFlag(FLAGS_prepare_rate));
  if (config.mode != "get" && config.mode != "register") {
    std::fprintf(stderr, "grpc_load: --mode must be get or register\n");
    return 2;
  }
  if (config.transport != "grpcpp" && config.transport != "h2") {
    std::fprintf(stderr, "grpc_load: --transport must be grpcpp or h2\n");
    return 2;
  }
  if (config.transport == "h2" && !absl::GetFlag(FLAGS_tls_ca_file).empty()) {
    std::fprintf(stderr,
                 "grpc_load: --transport=h2 speaks plain-text HTTP/2 only (no TLS); "
                 "drop --tls_ca_file or use --transport=grpcpp\n");
    return 2;
  }
  config.token = absl::GetFlag(FLAGS_token);
  if (config.token.empty() && !absl::GetFlag(FLAGS_token_file).empty()) {
    auto contents = ReadFile(absl::GetFlag(FLAGS_token_file));
    if (!contents.ok()) {
      std::fprintf(stderr, "grpc_load: %s\n", contents.status().ToString().c_str());
      return 2;
    }
    std::string first_line = contents->substr(0, contents->find('\n'));
    config.token = std::string(absl::StripAsciiWhitespace(first_line));
  }
  if (!absl::GetFlag(FLAGS_ids_file).empty()) {
    auto contents = ReadFile(absl::GetFlag(FLAGS_ids_file));
    if (!contents.ok()) {
      std::fprintf(stderr, "grpc_load: %s\n", contents.status().ToString().c_str());
      return 2;
    }
    for (absl::string_view line : absl::StrSplit(*contents, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!line.empty() && line[0] != '#') config.ids.emplace_back(line);
    }
    if (config.ids.empty()) {
      std::fprintf(stderr, "grpc_load: %s holds no ids\n", absl::GetFlag(FLAGS_ids_file).c_str());
      return 2;
    }
  } else {
    config.ids.push_back(absl::GetFlag(FLAGS_worker_id));
  }
  config.id_offset = absl::GetFlag(FLAGS_id_offset);
  if (config.id_offset < 0) {
    config.id_offset = static_cast<int64_t>(std::random_device{}() % kSyntheticWorkers);
  }

  auto transport = Connect(config);
  if (!transport.ok()) {
    std::fprintf(stderr, "grpc_load: %s\n", transport.status().ToString().c_str());
    return 1;
  }
  if (config.mode == "register") {
    std::printf("register: synthetic workers from index %lld (--id_offset to replay)\n",
                static_cast<long long>(config.id_offset));
  }
  Requests requests(config);
  LoadRunner runner(config, transport->get(), &requests);
  Result first = runner.RunPhase(config.rate);
  Print(config.rate > 0 ? "rate" : "peak", config, first);
  if (absl::GetFlag(FLAGS_half_peak) && config.rate <= 0 && first.throughput > 0) {
    Result half = runner.RunPhase(first.throughput / 2);
    Print("half_peak", config, half);
  }
  return first.calls > 0 && first.ok == 0 ? 1 : 0;
}

}  // namespace
}  // namespace labor::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "grpc_load: load generator for labor.v1.ProfileService (see bench/README.md)");
  absl::ParseCommandLine(argc, argv);
  return labor::bench::Main();
}

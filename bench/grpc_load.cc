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
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
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

namespace labor::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Config {
  std::string mode;
  int concurrency = 64;
  int channels = 4;
  absl::Duration duration, warmup, deadline;
  double rate = 0;  // 0 = closed loop
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
  double seconds = 0;
  double throughput = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};

// One call in flight: it owns its context and messages until the callback.
struct Call {
  grpc::ClientContext ctx;
  v1::GetWorkerRequest get_request;
  v1::Worker get_response;
  v1::RegisterWorkerRequest register_request;
  v1::RegisterWorkerResponse register_response;
  SteadyClock::time_point start;
  int slot = 0;
};

class LoadRunner {
 public:
  LoadRunner(const Config& config, std::vector<std::unique_ptr<v1::ProfileService::Stub>> stubs)
      : config_(config), stubs_(std::move(stubs)) {}

  // One phase: warmup, then `duration` measured. rate 0 = closed loop.
  Result RunPhase(double rate) {
    {
      absl::MutexLock lock(&mu_);
      latencies_ns_.clear();
      by_code_.fill(0);
    }
    const auto now = SteadyClock::now();
    measure_start_ = now + absl::ToChronoNanoseconds(config_.warmup);
    end_ = measure_start_ + absl::ToChronoNanoseconds(config_.duration);
    closed_loop_ = rate <= 0;
    if (closed_loop_) {
      for (int slot = 0; slot < config_.concurrency; ++slot) Issue(slot, SteadyClock::now());
    } else {
      const auto interval = std::chrono::duration<double>(1.0 / rate);
      for (int64_t k = 0;; ++k) {
        const auto at = now + std::chrono::duration_cast<SteadyClock::duration>(interval * k);
        if (at >= end_) break;
        std::this_thread::sleep_until(at);
        {
          absl::MutexLock lock(&mu_);
          const int limit = config_.concurrency;
          auto room = [this, limit]()
                          ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ < limit; };
          mu_.Await(absl::Condition(&room));
        }
        Issue(static_cast<int>(k % stubs_.size()), at);  // latency counts from `at`
      }
    }
    std::this_thread::sleep_until(end_);
    {
      absl::MutexLock lock(&mu_);
      auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; };
      mu_.Await(absl::Condition(&drained));
    }
    return Summarize(rate);
  }

 private:
  void Issue(int slot, SteadyClock::time_point start) {
    auto* call = new Call;
    call->slot = slot;
    call->start = start;
    if (!config_.token.empty()) call->ctx.AddMetadata("authorization", "Bearer " + config_.token);
    call->ctx.set_deadline(std::chrono::system_clock::now() +
                           absl::ToChronoNanoseconds(config_.deadline));
    {
      absl::MutexLock lock(&mu_);
      ++in_flight_;
    }
    const int64_t n = next_index_.fetch_add(1);
    auto* stub = stubs_[static_cast<size_t>(slot) % stubs_.size()].get();
    auto done = [this, call](grpc::Status status) { OnDone(call, status); };
    if (config_.mode == "register") {
      *call->register_request.mutable_worker() =
          SyntheticWorker((config_.id_offset + n) % kSyntheticWorkers);
      call->register_request.set_upsert(config_.upsert);
      stub->async()->RegisterWorker(&call->ctx, &call->register_request, &call->register_response,
                                    std::move(done));
    } else {
      call->get_request.set_worker_id(config_.ids[static_cast<size_t>(n) % config_.ids.size()]);
      stub->async()->GetWorker(&call->ctx, &call->get_request, &call->get_response,
                               std::move(done));
    }
  }

  void OnDone(Call* call, const grpc::Status& status) {
    const auto now = SteadyClock::now();
    const auto start = call->start;
    const int slot = call->slot;
    delete call;
    const bool measured = start >= measure_start_ && start < end_;
    if (closed_loop_ && now < end_) Issue(slot, now);
    absl::MutexLock lock(&mu_);
    if (measured) {
      latencies_ns_.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - start).count());
      const int code = status.error_code();
      ++by_code_[code >= 0 && code < 17 ? code : 2];
    }
    --in_flight_;
  }

  Result Summarize(double rate) {
    absl::MutexLock lock(&mu_);
    Result r;
    r.rate = rate;
    r.calls = static_cast<int64_t>(latencies_ns_.size());
    r.by_code = by_code_;
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
  std::vector<std::unique_ptr<v1::ProfileService::Stub>> stubs_;
  std::atomic<int64_t> next_index_{0};
  SteadyClock::time_point measure_start_, end_;
  bool closed_loop_ = true;
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<int64_t> latencies_ns_ ABSL_GUARDED_BY(mu_);
  std::array<int64_t, 17> by_code_ ABSL_GUARDED_BY(mu_){};
};

std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

void Print(const std::string& phase, const Config& config, const Result& r) {
  std::printf("== %s: mode=%s target=%s channels=%d concurrency=%d offered=%s\n", phase.c_str(),
              config.mode.c_str(), absl::GetFlag(FLAGS_target).c_str(), config.channels,
              config.concurrency,
              r.rate > 0 ? absl::StrFormat("%.0f/s", r.rate).c_str() : "max (closed loop)");
  std::vector<std::string> errors;
  for (int code = 1; code < 17; ++code) {
    if (r.by_code[code] > 0) errors.push_back(absl::StrCat(CodeName(code), "=", r.by_code[code]));
  }
  std::printf("   calls %lld in %.1fs: ok %lld, errors %lld%s\n", static_cast<long long>(r.calls),
              r.seconds, static_cast<long long>(r.ok), static_cast<long long>(r.calls - r.ok),
              errors.empty() ? "" : absl::StrCat(" (", absl::StrJoin(errors, ", "), ")").c_str());
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
        "{\"phase\":\"%s\",\"mode\":\"%s\",\"target\":\"%s\",\"channels\":%d,\"concurrency\":%d,"
        "\"offered_rate\":%.1f,\"seconds\":%.3f,\"calls\":%d,\"ok\":%d,\"errors\":{%s},"
        "\"throughput\":%.1f,\"p50_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f,"
        "\"mean_ms\":%.4f,\"id_offset\":%d}\n",
        phase, config.mode, absl::GetFlag(FLAGS_target), config.channels, config.concurrency,
        r.rate, r.seconds, r.calls, r.ok, absl::StrJoin(codes, ","), r.throughput, r.p50_ms,
        r.p90_ms, r.p99_ms, r.max_ms, r.mean_ms, config.mode == "register" ? config.id_offset : -1);
  }
  std::fflush(stdout);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

absl::StatusOr<std::vector<std::unique_ptr<v1::ProfileService::Stub>>> Connect(int channels) {
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
  std::vector<std::unique_ptr<v1::ProfileService::Stub>> stubs;
  for (int i = 0; i < channels; ++i) {
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
    stubs.push_back(v1::ProfileService::NewStub(channel));
  }
  return stubs;
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
  if (config.mode != "get" && config.mode != "register") {
    std::fprintf(stderr, "grpc_load: --mode must be get or register\n");
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

  auto stubs = Connect(config.channels);
  if (!stubs.ok()) {
    std::fprintf(stderr, "grpc_load: %s\n", stubs.status().ToString().c_str());
    return 1;
  }
  if (config.mode == "register") {
    std::printf("register: synthetic workers from index %lld (--id_offset to replay)\n",
                static_cast<long long>(config.id_offset));
  }
  LoadRunner runner(config, std::move(*stubs));
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

// labor-demo: loads deterministic synthetic workers into ProfileService.
//
//   labor-demo --workers 2000 --seed 7 --concurrency 8
//       [--target 127.0.0.1:50051 --token_file var/dev/tokens/admin.token]
//   labor-demo --dump_json --workers 20 --seed 7     (no server: JSON lines)
//
// Each worker is registered with upsert=true, then its employment records
// are applied with UpdateEmployment, so a rerun with the same seed updates
// the same people instead of duplicating them (a worker whose current
// employment already matches is left alone).
#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/config.h"
#include "labor/v1/profile.grpc.pb.h"
#include "tools/client.h"
#include "tools/demo_data.h"
#include "tools/labels.h"

ABSL_FLAG(int32_t, workers, 2000, "how many workers to generate");
ABSL_FLAG(uint64_t, seed, 7, "random seed (same seed, same workers)");
ABSL_FLAG(int32_t, concurrency, 8, "parallel RPC streams");
ABSL_FLAG(bool, dump_json, false, "print the workers as JSON lines and exit (no server)");
ABSL_FLAG(std::string, today, "",
          "YYYY-MM-DD the data is generated as of (default: today in Shanghai)");

namespace labor::tools {
namespace {

using labor::v1::EmploymentRecord;

bool Before(const labor::v1::Date& a, const labor::v1::Date& b) {
  return std::make_tuple(a.year(), a.month(), a.day()) <
         std::make_tuple(b.year(), b.month(), b.day());
}

// Whether the stored current employment already is `want` (a rerun). The
// date is not compared: a rerun on a later day shifts the generated dates,
// and appending the same status again would only clutter the history.
bool SameEmployment(const EmploymentRecord& have, const EmploymentRecord& want) {
  return have.status() == want.status() && have.destination_region() == want.destination_region() &&
         have.registration() == want.registration();
}

struct Summary {
  std::atomic<int64_t> created{0}, existing{0}, employment_updates{0}, unchanged{0}, failed{0};
  std::atomic<int64_t> done{0};
  std::mutex mu;
  std::map<std::string, int64_t> failures;  // reason -> count (reasons carry no PII)

  void Fail(const std::string& rpc, const grpc::Status& status) {
    failed.fetch_add(1);
    // One line per reason: the first field violation is enough to group by.
    std::string text = DescribeRpcError(status);
    text = text.substr(0, text.find('\n'));
    std::lock_guard<std::mutex> lock(mu);
    ++failures[absl::StrCat(rpc, " ", text)];
  }
};

void LoadOne(const ClientOptions& client, labor::v1::ProfileService::Stub& stub,
             const DemoWorker& demo, Summary& summary) {
  labor::v1::RegisterWorkerRequest req;
  *req.mutable_worker() = demo.worker;
  req.set_upsert(true);
  labor::v1::RegisterWorkerResponse resp;
  grpc::ClientContext ctx;
  PrepareClientContext(client, &ctx);
  grpc::Status s = stub.RegisterWorker(&ctx, req, &resp);
  if (!s.ok()) {
    summary.Fail("RegisterWorker", s);
    return;
  }
  (resp.created() ? summary.created : summary.existing).fetch_add(1);
  // A rerun finds the worker's history already there: apply only records
  // not older than the stored current status (history is append-only).
  std::vector<const EmploymentRecord*> todo;
  const EmploymentRecord& have = resp.worker().employment();
  for (const EmploymentRecord& record : demo.employment) {
    if (resp.created() || have.status() == labor::v1::EMPLOYMENT_STATUS_UNSPECIFIED ||
        !Before(record.effective_date(), have.effective_date())) {
      todo.push_back(&record);
    }
  }
  if (!resp.created() && (todo.empty() || SameEmployment(have, *todo.back()))) {
    summary.unchanged.fetch_add(1);
    return;
  }
  int64_t version = resp.worker().version();
  for (const EmploymentRecord* record_ptr : todo) {
    const EmploymentRecord& record = *record_ptr;
    labor::v1::UpdateEmploymentRequest update;
    update.set_worker_id(resp.worker().worker_id());
    update.set_expected_version(version);
    *update.mutable_record() = record;
    labor::v1::Worker updated;
    grpc::ClientContext uctx;
    PrepareClientContext(client, &uctx);
    grpc::Status us = stub.UpdateEmployment(&uctx, update, &updated);
    if (!us.ok()) {
      summary.Fail(absl::StrCat("UpdateEmployment(", EmploymentStatusLabel(record.status()), ")"),
                   us);
      return;
    }
    version = updated.version();
    summary.employment_updates.fetch_add(1);
  }
}

int Main(int argc, char** argv) {
  ParseFlagsWithEnv(argc, argv, "labor-demo --workers N --seed S [--concurrency C] [--dump_json]");
  DemoOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.workers = absl::GetFlag(FLAGS_workers);
  if (options.workers < 0) {
    std::cerr << "labor-demo: --workers must be >= 0\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_today).empty()) {
    options.today = absl::ToCivilDay(absl::Now(), ShanghaiTime());
  } else {
    absl::StatusOr<labor::v1::Date> d = ParseDate(absl::GetFlag(FLAGS_today));
    if (!d.ok()) {
      std::cerr << "labor-demo: --today: " << d.status().message() << "\n";
      return 2;
    }
    options.today = absl::CivilDay(d->year(), d->month(), d->day());
  }
  const std::vector<DemoWorker> workers = GenerateDemoWorkers(options);

  if (absl::GetFlag(FLAGS_dump_json)) {
    for (const DemoWorker& w : workers) std::cout << DemoWorkerToJson(w) << "\n";
    return 0;
  }

  absl::StatusOr<ClientOptions> client = ClientOptionsFromFlags();
  if (!client.ok()) {
    std::cerr << "labor-demo: " << client.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(*client);
  if (!channel.ok()) {
    std::cerr << "labor-demo: " << channel.status().message() << "\n";
    return 2;
  }
  auto stub = labor::v1::ProfileService::NewStub(*channel);

  Summary summary;
  std::atomic<size_t> next{0};
  const size_t total = workers.size();
  const size_t report_every = std::max<size_t>(1, total / 10);
  const absl::Time start = absl::Now();
  auto run = [&] {
    for (size_t i = next.fetch_add(1); i < total; i = next.fetch_add(1)) {
      LoadOne(*client, *stub, workers[i], summary);
      int64_t done = summary.done.fetch_add(1) + 1;
      if (static_cast<size_t>(done) % report_every == 0 || static_cast<size_t>(done) == total) {
        std::lock_guard<std::mutex> lock(summary.mu);
        std::cerr << "  " << done << "/" << total << " (" << done * 100 / std::max<size_t>(1, total)
                  << "%), failed " << summary.failed.load() << "\n";
      }
    }
  };
  const int threads = std::clamp(absl::GetFlag(FLAGS_concurrency), 1, 256);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(run);
  for (std::thread& t : pool) t.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  std::cout << "workers " << total << " (seed " << options.seed << ", as of "
            << absl::FormatCivilTime(options.today) << ") in " << seconds << "s\n"
            << "  registered new:      " << summary.created.load() << "\n"
            << "  upserted existing:   " << summary.existing.load() << "\n"
            << "  employment updates:  " << summary.employment_updates.load() << "\n"
            << "  already up to date:  " << summary.unchanged.load() << "\n"
            << "  failed:              " << summary.failed.load() << "\n";
  int shown = 0;
  for (const auto& [reason, count] : summary.failures) {
    if (++shown > 20) {
      std::cout << "    … and " << summary.failures.size() - 20 << " more reasons\n";
      break;
    }
    std::cout << "    " << count << " x " << reason << "\n";
  }
  return summary.failed.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace labor::tools

int main(int argc, char** argv) { return labor::tools::Main(argc, argv); }

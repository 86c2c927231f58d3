// labor-demo: loads deterministic synthetic workers into ProfileService and
// employers, blacklist listings, job fairs and vacancies into VacancyService.
//
//   labor-demo --workers 2000 --vacancies 300 --seed 7 --concurrency 8
//       [--target 127.0.0.1:50051 --vacancy_target 127.0.0.1:50052
//        --token_file var/dev/tokens/admin.token]
//   labor-demo --dump_json --workers 20 --seed 7     (no server: JSON lines)
//   labor-demo --dump_vacancies_json --vacancies 20  (no server: JSON lines)
//   labor-demo --dump_import_json --vacancies 50     (ImportItem lines for
//                                                     `laborctl import`)
//
// Each worker is registered with upsert=true, then its employment records
// are applied with UpdateEmployment, so a rerun with the same seed updates
// the same people instead of duplicating them (a worker whose current
// employment already matches is left alone).
//
// Vacancy data is loaded just as idempotently: employers are looked up by
// credit code before they are registered; fairs by name and start date
// (ListFairs of the year); vacancies are posted with a request_id derived
// from seed, count and index, so a rerun gets the same vacancies back; a
// listing is added only when the employer has no listing yet (current or
// past). --vacancies=0 or --vacancy_target= skips VacancyService.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/proto_util.h"
#include "labor/v1/profile.grpc.pb.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "tools/client.h"
#include "tools/demo_data.h"
#include "tools/labels.h"

ABSL_FLAG(int32_t, workers, 2000, "how many workers to generate");
ABSL_FLAG(uint64_t, seed, 7, "random seed (same seed, same workers)");
ABSL_FLAG(int32_t, concurrency, 8, "parallel RPC streams");
ABSL_FLAG(bool, dump_json, false, "print the workers as JSON lines and exit (no server)");
ABSL_FLAG(int32_t, vacancies, 300,
          "how many vacancies to generate for VacancyService (0 = do not load any)");
ABSL_FLAG(bool, dump_vacancies_json, false,
          "print employers, fairs, vacancies and blacklist listings as JSON lines and exit");
ABSL_FLAG(bool, dump_import_json, false,
          "print the outside vacancies as partner ImportItem JSON lines and exit");
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

// Runs work(i) for i in [0, n) on `threads` threads.
void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) work(i);
    });
  }
  for (std::thread& t : pool) t.join();
}

struct VacancySummary {
  std::atomic<int64_t> employers_new{0}, employers_existing{0};
  std::atomic<int64_t> fairs_new{0}, fairs_existing{0};
  std::atomic<int64_t> vacancies_new{0}, vacancies_existing{0}, vacancies_duplicate{0};
  std::atomic<int64_t> vacancies_listed_employer{0}, attached{0};
  std::atomic<int64_t> listings_new{0}, listings_existing{0}, lifted{0};
  Summary errors;  // failures by reason
};

// Adds the ids of `employer_id`'s vacancies (any status, listed employers
// too) to `ids`: what a rerun finds already there.
grpc::Status ListEmployerVacancies(const ClientOptions& client,
                                   labor::v1::VacancyService::Stub& stub,
                                   const std::string& employer_id,
                                   absl::flat_hash_set<std::string>* ids) {
  labor::v1::ListVacanciesRequest list;
  list.set_employer_id(employer_id);
  list.set_include_blacklisted(true);
  list.mutable_page()->set_page_size(500);
  for (;;) {
    labor::v1::ListVacanciesResponse resp;
    grpc::ClientContext ctx;
    PrepareClientContext(client, &ctx);
    grpc::Status s = stub.ListVacancies(&ctx, list, &resp);
    if (!s.ok()) return s;
    for (const labor::v1::Vacancy& v : resp.vacancies()) ids->insert(v.vacancy_id());
    if (resp.page().next_page_token().empty()) return grpc::Status::OK;
    list.mutable_page()->set_page_token(resp.page().next_page_token());
  }
}

// Loads `data` into VacancyService. Fails soft per item (counted in
// summary.errors); a failing employer takes its vacancies with it.
void LoadVacancyData(const ClientOptions& client, labor::v1::VacancyService::Stub& stub,
                     const DemoVacancyData& data, int threads, VacancySummary& summary) {
  auto call = [&](grpc::ClientContext* ctx) { PrepareClientContext(client, ctx); };

  // One call first, so an absent service is one clear line, not one failure
  // per item.
  {
    labor::v1::ListFairsRequest probe;
    probe.mutable_page()->set_page_size(1);
    labor::v1::ListFairsResponse resp;
    grpc::ClientContext pctx;
    call(&pctx);
    grpc::Status s = stub.ListFairs(&pctx, probe, &resp);
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
        s.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
        s.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      summary.errors.Fail(
          absl::StrCat("VacancyService at ", client.target, " (start it, or pass --vacancies=0):"),
          s);
      return;
    }
  }

  // Employers: by credit code, registered when missing. The vacancies of
  // those already there are noted, so a rerun's replayed postings are told
  // from new ones by id (not by comparing the two machines' clocks).
  std::vector<std::string> employer_ids(data.employers.size());
  std::mutex known_mu;
  absl::flat_hash_set<std::string> known_vacancies;
  ParallelFor(data.employers.size(), threads, [&](size_t i) {
    const labor::v1::Employer& want = data.employers[i].employer;
    labor::v1::GetEmployerRequest get;
    get.set_credit_code(want.credit_code());
    labor::v1::Employer have;
    grpc::ClientContext gctx;
    call(&gctx);
    grpc::Status s = stub.GetEmployer(&gctx, get, &have);
    if (s.ok()) {
      employer_ids[i] = have.employer_id();
      summary.employers_existing.fetch_add(1);
      absl::flat_hash_set<std::string> ids;
      grpc::Status ls = ListEmployerVacancies(client, stub, have.employer_id(), &ids);
      if (!ls.ok()) {
        summary.errors.Fail("ListVacancies", ls);
        return;
      }
      std::lock_guard<std::mutex> lock(known_mu);
      known_vacancies.insert(ids.begin(), ids.end());
      return;
    }
    if (s.error_code() != grpc::StatusCode::NOT_FOUND) {
      summary.errors.Fail("GetEmployer", s);
      return;
    }
    labor::v1::UpsertEmployerRequest req;
    *req.mutable_employer() = want;
    grpc::ClientContext uctx;
    call(&uctx);
    s = stub.UpsertEmployer(&uctx, req, &have);
    if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      // Registered concurrently (another loader): look it up again.
      grpc::ClientContext again;
      call(&again);
      s = stub.GetEmployer(&again, get, &have);
      if (s.ok()) summary.employers_existing.fetch_add(1);
    } else if (s.ok()) {
      summary.employers_new.fetch_add(1);
    }
    if (!s.ok()) {
      summary.errors.Fail("UpsertEmployer", s);
      return;
    }
    employer_ids[i] = have.employer_id();
  });

  // Fairs: by name and start date among this year's.
  std::map<std::string, std::string> existing_fairs;  // name|start -> id
  auto fair_key = [](const labor::v1::JobFair& f) {
    return absl::StrCat(f.name(), "|", FormatDate(f.start_date()));
  };
  std::vector<std::string> fair_ids(data.fairs.size());
  if (!data.fairs.empty()) {
    labor::v1::ListFairsRequest list;
    list.set_year(data.fairs.front().start_date().year());
    list.mutable_page()->set_page_size(500);
    for (;;) {
      labor::v1::ListFairsResponse resp;
      grpc::ClientContext lctx;
      call(&lctx);
      grpc::Status s = stub.ListFairs(&lctx, list, &resp);
      if (!s.ok()) {
        summary.errors.Fail("ListFairs", s);
        break;
      }
      for (const labor::v1::JobFair& f : resp.fairs()) existing_fairs[fair_key(f)] = f.fair_id();
      if (resp.page().next_page_token().empty()) break;
      list.mutable_page()->set_page_token(resp.page().next_page_token());
    }
  }
  for (size_t i = 0; i < data.fairs.size(); ++i) {
    auto found = existing_fairs.find(fair_key(data.fairs[i]));
    if (found != existing_fairs.end()) {
      fair_ids[i] = found->second;
      summary.fairs_existing.fetch_add(1);
      continue;
    }
    labor::v1::CreateFairRequest req;
    *req.mutable_fair() = data.fairs[i];
    labor::v1::JobFair created;
    grpc::ClientContext cctx;
    call(&cctx);
    grpc::Status s = stub.CreateFair(&cctx, req, &created);
    if (!s.ok()) {
      summary.errors.Fail("CreateFair", s);
      continue;
    }
    fair_ids[i] = created.fair_id();
    summary.fairs_new.fetch_add(1);
  }

  // Vacancies, before the listings: a listed employer cannot post, and the
  // listed employers' open vacancies are what a listing hides.
  absl::flat_hash_set<int> listed;
  for (const DemoListing& l : data.listings) {
    if (l.lift_reason.empty()) listed.insert(l.employer);
  }
  ParallelFor(data.vacancies.size(), threads, [&](size_t i) {
    const DemoVacancy& dv = data.vacancies[i];
    const std::string& employer_id = employer_ids[dv.employer];
    if (employer_id.empty()) return;  // its employer failed (counted there)
    labor::v1::PostVacancyRequest req;
    *req.mutable_vacancy() = dv.vacancy;
    req.mutable_vacancy()->set_employer_id(employer_id);
    const std::string fair_id = dv.fair >= 0 ? fair_ids[dv.fair] : "";
    if (!fair_id.empty()) {
      req.mutable_vacancy()->add_fair_ids(fair_id);
      labor::v1::VacancySource* source = req.mutable_vacancy()->add_sources();
      source->set_kind(labor::v1::SOURCE_KIND_FAIR);
      source->set_fair_id(fair_id);
    }
    req.set_request_id(dv.request_id);
    labor::v1::PostVacancyResponse resp;
    grpc::ClientContext pctx;
    call(&pctx);
    grpc::Status s = stub.PostVacancy(&pctx, req, &resp);
    if (!s.ok()) {
      if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
        // A rerun on another day: the request_id names the first run's post,
        // whose dates differed; that post stands.
        summary.vacancies_existing.fetch_add(1);
        return;
      }
      if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION && listed.contains(dv.employer)) {
        // A rerun: the employer was listed by the first run.
        summary.vacancies_listed_employer.fetch_add(1);
      } else {
        summary.errors.Fail("PostVacancy", s);
      }
      return;
    }
    if (!resp.duplicate_of().empty()) {
      summary.vacancies_duplicate.fetch_add(1);
    } else if (known_vacancies.contains(resp.vacancy().vacancy_id())) {
      summary.vacancies_existing.fetch_add(1);  // the request_id was seen before
    } else {
      summary.vacancies_new.fetch_add(1);
    }
    if (fair_id.empty()) return;
    labor::v1::AttachToFairRequest attach;
    attach.set_fair_id(fair_id);
    attach.add_employer_ids(employer_id);
    attach.add_vacancy_ids(resp.vacancy().vacancy_id());
    labor::v1::JobFair fair;
    grpc::ClientContext actx;
    call(&actx);
    grpc::Status as = stub.AttachToFair(&actx, attach, &fair);
    if (as.ok() || as.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      summary.attached.fetch_add(1);
    } else {
      summary.errors.Fail("AttachToFair", as);
    }
  });

  // Listings: only for employers with no listing yet, current or past (a
  // rerun must not list again an employer lifted early).
  absl::flat_hash_set<std::string> has_listing;
  labor::v1::ListBlacklistRequest list;
  list.set_include_history(true);
  list.mutable_page()->set_page_size(500);
  for (;;) {
    labor::v1::ListBlacklistResponse resp;
    grpc::ClientContext lctx;
    call(&lctx);
    grpc::Status s = stub.ListBlacklist(&lctx, list, &resp);
    if (!s.ok()) {
      summary.errors.Fail("ListBlacklist", s);
      return;
    }
    for (const labor::v1::BlacklistEntry& e : resp.entries()) has_listing.insert(e.employer_id());
    if (resp.page().next_page_token().empty()) break;
    list.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  for (const DemoListing& l : data.listings) {
    const std::string& employer_id = employer_ids[l.employer];
    if (employer_id.empty()) continue;
    if (has_listing.contains(employer_id)) {
      summary.listings_existing.fetch_add(1);
      continue;
    }
    labor::v1::BlacklistEmployerRequest req;
    *req.mutable_entry() = l.entry;
    req.mutable_entry()->set_employer_id(employer_id);
    labor::v1::BlacklistEntry entry;
    grpc::ClientContext bctx;
    call(&bctx);
    grpc::Status s = stub.BlacklistEmployer(&bctx, req, &entry);
    if (!s.ok()) {
      summary.errors.Fail("BlacklistEmployer", s);
      continue;
    }
    summary.listings_new.fetch_add(1);
    if (l.lift_reason.empty()) continue;
    labor::v1::LiftBlacklistRequest lift;
    lift.set_employer_id(employer_id);
    lift.set_reason(l.lift_reason);
    *lift.mutable_lifted_on() = l.lifted_on;
    grpc::ClientContext lctx;
    call(&lctx);
    s = stub.LiftBlacklist(&lctx, lift, &entry);
    if (!s.ok()) {
      summary.errors.Fail("LiftBlacklist", s);
      continue;
    }
    summary.lifted.fetch_add(1);
  }
}

void PrintFailures(const Summary& summary) {
  int shown = 0;
  for (const auto& [reason, count] : summary.failures) {
    if (++shown > 20) {
      std::cout << "    … and " << summary.failures.size() - 20 << " more reasons\n";
      break;
    }
    std::cout << "    " << count << " x " << reason << "\n";
  }
}

int Main(int argc, char** argv) {
  ParseFlagsWithEnv(argc, argv,
                    "labor-demo --workers N --vacancies V --seed S [--concurrency C] "
                    "[--dump_json | --dump_vacancies_json | --dump_import_json]");
  DemoOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.workers = absl::GetFlag(FLAGS_workers);
  if (options.workers < 0 || absl::GetFlag(FLAGS_vacancies) < 0) {
    std::cerr << "labor-demo: --workers and --vacancies must be >= 0\n";
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
  DemoVacancyOptions vacancy_options;
  vacancy_options.seed = options.seed;
  vacancy_options.vacancies = absl::GetFlag(FLAGS_vacancies);
  vacancy_options.today = options.today;
  if (absl::GetFlag(FLAGS_dump_vacancies_json) || absl::GetFlag(FLAGS_dump_import_json)) {
    const DemoVacancyData data = GenerateDemoVacancyData(vacancy_options);
    if (absl::GetFlag(FLAGS_dump_vacancies_json)) {
      for (const std::string& line : DemoVacancyDataToJsonLines(data)) std::cout << line << "\n";
    } else {
      for (const DemoVacancy& v : data.vacancies) {
        if (v.external_id.empty()) continue;
        google::protobuf::util::JsonPrintOptions json;
        json.preserve_proto_field_names = true;
        std::string line;
        (void)google::protobuf::util::MessageToJsonString(DemoImportItem(data, v), &line, json);
        std::cout << line << "\n";
      }
    }
    return 0;
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
  PrintFailures(summary);
  if (vacancy_options.vacancies == 0 || absl::GetFlag(FLAGS_vacancy_target).empty()) {
    return summary.failed.load() == 0 ? 0 : 1;
  }

  // VacancyService: same token and TLS settings, its own address.
  absl::StatusOr<ClientOptions> vacancy_client = VacancyClientOptionsFromFlags();
  if (!vacancy_client.ok()) {
    std::cerr << "labor-demo: " << vacancy_client.status().message() << "\n";
    return 2;
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> vacancy_channel = MakeChannel(*vacancy_client);
  if (!vacancy_channel.ok()) {
    std::cerr << "labor-demo: " << vacancy_channel.status().message() << "\n";
    return 2;
  }
  auto vacancy_stub = labor::v1::VacancyService::NewStub(*vacancy_channel);
  const DemoVacancyData data = GenerateDemoVacancyData(vacancy_options);
  VacancySummary vs;
  const absl::Time vacancy_start = absl::Now();
  LoadVacancyData(*vacancy_client, *vacancy_stub, data, threads, vs);
  const double vacancy_seconds = absl::ToDoubleSeconds(absl::Now() - vacancy_start);
  std::cout << "vacancy data (seed " << vacancy_options.seed << ", " << data.vacancies.size()
            << " vacancies) into " << vacancy_client->target << " in " << vacancy_seconds << "s\n"
            << "  employers:  " << vs.employers_new.load() << " new, "
            << vs.employers_existing.load() << " already there (of " << data.employers.size()
            << ")\n"
            << "  fairs:      " << vs.fairs_new.load() << " new, " << vs.fairs_existing.load()
            << " already there (of " << data.fairs.size() << ")\n"
            << "  vacancies:  " << vs.vacancies_new.load() << " new, "
            << vs.vacancies_existing.load() << " already there, " << vs.vacancies_duplicate.load()
            << " collapsed as duplicates, " << vs.vacancies_listed_employer.load()
            << " refused (employer listed by an earlier run); " << vs.attached.load()
            << " attached to fairs\n"
            << "  blacklist:  " << vs.listings_new.load() << " listed (" << vs.lifted.load()
            << " lifted early), " << vs.listings_existing.load() << " already listed\n"
            << "  failed:     " << vs.errors.failed.load() << "\n";
  PrintFailures(vs.errors);
  return summary.failed.load() == 0 && vs.errors.failed.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace labor::tools

int main(int argc, char** argv) { return labor::tools::Main(argc, argv); }

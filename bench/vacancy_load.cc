// vacancy_load: load generator for VacancyService.
//   --mode=import  streams --items partner vacancies through ImportVacancies
//                  (--streams concurrent partner streams) and reports items/s
//                  and the outcome counts.
//   --mode=search  runs --queries ListVacancies calls one at a time for each
//                  filter kind and reports latency percentiles per kind.
// Items are drawn from realistic distributions: a few occupations very
// common (electronics assembly, construction, logistics, restaurants),
// employers in Tongchuan, Dazhou, Guangdong, Zhejiang, Jiangsu, Chengdu,
// wages 3,000-12,000 yuan. With --json, one JSON line per phase.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "labor/v1/vacancy.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50052", "VacancyService address host:port");
ABSL_FLAG(std::string, mode, "import", "import | search");
ABSL_FLAG(int, items, 200000, "import: items to stream");
ABSL_FLAG(int, streams, 1, "import: concurrent partner streams (items are split among them)");
ABSL_FLAG(int, chunk, 0,
          "import: items per message through ImportVacancyChunks (0: one item per message "
          "through ImportVacancies)");
ABSL_FLAG(int, first_item, 0, "import: number of the first item (distinct runs, distinct ids)");
ABSL_FLAG(int, employers, 40000,
          "import: employers the items come from (a partner feed repeats its employers)");
ABSL_FLAG(int, queries, 2000, "search: calls per filter kind");
ABSL_FLAG(int, page_size, 50, "search: page size");
ABSL_FLAG(uint64_t, seed, 7, "random seed");
ABSL_FLAG(std::string, token_file, "", "file holding the bearer token (partner for import)");
ABSL_FLAG(bool, json, false, "also print one JSON line per phase");

namespace labor::bench {
namespace {

struct Job {
  const char* code;
  const char* title;
  int weight;
  int wage_low;  // yuan a month
  int wage_high;
};

// Skewed: a few occupations carry most postings.
const std::vector<Job>& Jobs() {
  static const auto* jobs = new std::vector<Job>{
      {"6-25-04-07", "电子设备装接工", 30, 4500, 6500},
      {"6-29-01-01", "砌筑工", 14, 5000, 9000},
      {"6-30-05-01", "叉车司机", 10, 4500, 7000},
      {"4-03-02-01", "中式烹调师", 9, 4500, 9000},
      {"4-10-01-06", "家政服务员", 8, 4000, 7000},
      {"6-05-01-03", "缝纫工", 7, 4000, 7500},
      {"6-18-02-04", "焊工", 6, 6000, 11000},
      {"6-31-01-03", "电工", 5, 6000, 10000},
      {"4-02-07-08", "快递员", 5, 5000, 9000},
      {"6-01-04-01", "畜禽屠宰加工工", 3, 4000, 6000},
      {"4-03-02-05", "餐厅服务员", 3, 3500, 5000},
  };
  return *jobs;
}

// Employer home regions (6-digit areas) with weights.
const std::vector<std::pair<const char*, int>>& Places() {
  static const auto* places = new std::vector<std::pair<const char*, int>>{
      {"511702", 20}, {"511722", 4}, {"511723", 3}, {"441900", 18}, {"440306", 10}, {"330281", 8},
      {"330106", 5},  {"320583", 8}, {"320506", 4}, {"510107", 10}, {"510104", 6},  {"500103", 4},
  };
  return *places;
}

template <typename T>
const T& Pick(const std::vector<T>& items, int (*weight)(const T&), std::mt19937_64& rng) {
  int total = 0;
  for (const auto& i : items) total += weight(i);
  int r = static_cast<int>(rng() % static_cast<uint64_t>(total));
  for (const auto& i : items) {
    r -= weight(i);
    if (r < 0) return i;
  }
  return items.back();
}

std::string CreditCode(absl::string_view area, int n) {
  std::string first17 = absl::StrCat("91", area, absl::StrFormat("MA%07d", n));
  return absl::StrCat(first17, std::string(1, CreditCodeCheckChar(first17)));
}

v1::ImportItem MakeItem(int n, std::mt19937_64& rng, absl::Time now) {
  const Job& job = Pick<Job>(
      Jobs(), [](const Job& j) { return j.weight; }, rng);
  // Each employer has one home region (a seeded pick), so its postings agree.
  const int employer =
      static_cast<int>(rng() % static_cast<uint64_t>(std::max(1, absl::GetFlag(FLAGS_employers))));
  std::mt19937_64 employer_rng(static_cast<uint64_t>(employer) * 7919 + 17);
  const auto& place = Pick<std::pair<const char*, int>>(
      Places(), [](const std::pair<const char*, int>& p) { return p.second; }, employer_rng);
  v1::ImportItem item;
  item.set_external_id(absl::StrCat("B-", n));
  v1::Vacancy* v = item.mutable_vacancy();
  v->set_employer_credit_code(CreditCode(place.first, employer));
  v->set_employer_name(absl::StrCat("企业", employer));
  v->set_title(job.title);
  v->set_occupation_code(job.code);
  v->set_location(place.first);
  const int low = job.wage_low + static_cast<int>(rng() % 5) * 200;
  const int high = std::max(low + 500, job.wage_high - static_cast<int>(rng() % 5) * 300);
  v->mutable_wage()->set_unit(v1::WAGE_UNIT_MONTHLY);
  v->mutable_wage()->mutable_min()->set_fen(int64_t{low} * 100);
  v->mutable_wage()->mutable_max()->set_fen(int64_t{high} * 100);
  v->set_headcount(1 + static_cast<int>(rng() % 30));
  v->mutable_benefits()->set_room(rng() % 2 == 0);
  v->mutable_benefits()->set_board(rng() % 3 == 0);
  v->mutable_benefits()->set_social_insurance(rng() % 4 != 0);
  v->set_working_hours("8小时工作制，月休4天");
  auto* skill = v->add_required_skills();
  skill->set_occupation_code(job.code);
  skill->set_level(rng() % 3 == 0 ? v1::SKILL_LEVEL_4_INTERMEDIATE : v1::SKILL_LEVEL_5_ELEMENTARY);
  const absl::Time expires = now + absl::Hours(24 * (20 + static_cast<int>(rng() % 40)));
  *v->mutable_expires_at() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(expires));
  return item;
}

std::string ReadToken() {
  const std::string path = absl::GetFlag(FLAGS_token_file);
  if (path.empty()) return "";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(ss.str()));
}

void AddAuth(grpc::ClientContext* ctx, const std::string& token) {
  if (!token.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

// Writes `messages` on `stream` while reading its answers (`tally` sees
// each); returns the stream's status.
template <typename Request, typename Response, typename Tally>
grpc::Status StreamAll(grpc::ClientReaderWriter<Request, Response>* stream,
                       const std::vector<Request>& messages, const Tally& tally) {
  std::thread writer([&] {
    for (const Request& message : messages) {
      if (!stream->Write(message)) break;
    }
    stream->WritesDone();
  });
  Response response;
  while (stream->Read(&response)) tally(response);
  grpc::Status status = stream->Finish();
  writer.join();
  return status;
}

int RunImport(v1::VacancyService::Stub* stub, const std::string& token) {
  const int items = absl::GetFlag(FLAGS_items);
  const int streams = std::max(1, absl::GetFlag(FLAGS_streams));
  const int first = absl::GetFlag(FLAGS_first_item);
  // Items are generated before the clock starts.
  std::vector<std::vector<v1::ImportItem>> per_stream(static_cast<size_t>(streams));
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  // Expiries count from the start of the day, so a replay the same day sends
  // identical items (the idempotent path).
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 86400 * 86400);
  for (int i = 0; i < items; ++i) per_stream[i % streams].push_back(MakeItem(first + i, rng, now));

  // With --chunk, the same items in messages of `chunk` items, also built
  // before the clock starts.
  const int chunk = absl::GetFlag(FLAGS_chunk);
  std::vector<std::vector<v1::ImportChunk>> chunks(static_cast<size_t>(streams));
  for (size_t s = 0; chunk > 0 && s < per_stream.size(); ++s) {
    for (size_t i = 0; i < per_stream[s].size(); ++i) {
      if (i % static_cast<size_t>(chunk) == 0) chunks[s].emplace_back();
      *chunks[s].back().add_items() = per_stream[s][i];
    }
  }

  std::atomic<int64_t> outcomes[6] = {};
  auto tally = [&outcomes](const v1::ImportResult& result) {
    int o = static_cast<int>(result.outcome());
    if (o >= 0 && o < 6) outcomes[o].fetch_add(1);
  };
  std::atomic<int> failed_streams{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int s = 0; s < streams; ++s) {
    threads.emplace_back([&, s] {
      grpc::ClientContext ctx;
      AddAuth(&ctx, token);
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(1));
      grpc::Status status =
          chunk > 0 ? StreamAll(stub->ImportVacancyChunks(&ctx).get(), chunks[s],
                                [&](const v1::ImportChunkResult& results) {
                                  for (const auto& result : results.results()) tally(result);
                                })
                    : StreamAll(stub->ImportVacancies(&ctx).get(), per_stream[s], tally);
      if (!status.ok()) {
        std::fprintf(stderr, "stream %d: %s\n", s, status.error_message().c_str());
        failed_streams.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  int64_t answered = 0;
  for (auto& o : outcomes) answered += o.load();
  const double rate = static_cast<double>(answered) / seconds;
  std::printf(
      "import: %lld items answered in %.2f s over %d stream(s), %d item(s) per message: %.0f "
      "items/s\n"
      "  created %lld, updated %lld, duplicate %lld, unchanged %lld, rejected %lld\n",
      static_cast<long long>(answered), seconds, streams, std::max(chunk, 1), rate,
      static_cast<long long>(outcomes[1].load()), static_cast<long long>(outcomes[2].load()),
      static_cast<long long>(outcomes[3].load()), static_cast<long long>(outcomes[5].load()),
      static_cast<long long>(outcomes[4].load()));
  if (absl::GetFlag(FLAGS_json)) {
    std::printf(
        "{\"phase\":\"import\",\"items\":%lld,\"seconds\":%.3f,\"streams\":%d,"
        "\"items_per_message\":%d,\"items_per_s\":%.1f,\"created\":%lld,\"duplicate\":%lld,"
        "\"rejected\":%lld}\n",
        static_cast<long long>(answered), seconds, streams, std::max(chunk, 1), rate,
        static_cast<long long>(outcomes[1].load()), static_cast<long long>(outcomes[3].load()),
        static_cast<long long>(outcomes[4].load()));
  }
  return failed_streams.load() == 0 && answered == items ? 0 : 1;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  return v[i];
}

int RunSearch(v1::VacancyService::Stub* stub, const std::string& token) {
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  const int queries = absl::GetFlag(FLAGS_queries);
  struct Kind {
    const char* name;
    std::function<void(v1::ListVacanciesRequest*)> fill;
  };
  const std::vector<Kind> kinds = {
      {"first_page", [](v1::ListVacanciesRequest*) {}},
      {"occupation_branch",
       [&](v1::ListVacanciesRequest* r) {
         r->set_occupation_prefix(Jobs()[rng() % Jobs().size()].code);
       }},
      {"region_and_wage",
       [&](v1::ListVacanciesRequest* r) {
         r->set_region_prefix(std::string(Places()[rng() % Places().size()].first).substr(0, 4));
         r->mutable_monthly_wage_floor()->set_fen(500000 +
                                                  static_cast<int64_t>(rng() % 5) * 100000);
       }},
      {"rare_combination",
       [&](v1::ListVacanciesRequest* r) {
         r->set_occupation_prefix("6-01-04-01");
         r->set_region_prefix("5117");
         r->mutable_monthly_wage_floor()->set_fen(590000);
       }},
      {"partner_feed",
       [&](v1::ListVacanciesRequest* r) {
         const absl::Time since = absl::Now() - absl::Minutes(static_cast<int>(rng() % 60));
         *r->mutable_updated_since() =
             google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(since));
       }},
  };
  int errors = 0;
  for (const auto& kind : kinds) {
    std::vector<double> ms;
    int64_t results = 0;
    for (int q = 0; q < queries; ++q) {
      v1::ListVacanciesRequest request;
      request.mutable_page()->set_page_size(absl::GetFlag(FLAGS_page_size));
      kind.fill(&request);
      grpc::ClientContext ctx;
      AddAuth(&ctx, token);
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      v1::ListVacanciesResponse response;
      const absl::Time t0 = absl::Now();
      grpc::Status s = stub->ListVacancies(&ctx, request, &response);
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
      if (!s.ok()) {
        if (++errors < 5) std::fprintf(stderr, "%s: %s\n", kind.name, s.error_message().c_str());
        continue;
      }
      results += response.vacancies_size();
    }
    const double p50 = Percentile(ms, 0.50), p90 = Percentile(ms, 0.90), p99 = Percentile(ms, 0.99);
    std::printf("search %-18s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  (%.1f results/page)\n",
                kind.name, p50, p90, p99,
                static_cast<double>(results) / static_cast<double>(std::max(1, queries)));
    if (absl::GetFlag(FLAGS_json)) {
      std::printf(
          "{\"phase\":\"search\",\"kind\":\"%s\",\"queries\":%d,\"p50_ms\":%.3f,"
          "\"p90_ms\":%.3f,\"p99_ms\":%.3f}\n",
          kind.name, queries, p50, p90, p99);
    }
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace labor::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("vacancy_load: VacancyService import and search load");
  absl::ParseCommandLine(argc, argv);
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  auto stub = labor::v1::VacancyService::NewStub(channel);
  const std::string token = labor::bench::ReadToken();
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "import") return labor::bench::RunImport(stub.get(), token);
  if (mode == "search") return labor::bench::RunSearch(stub.get(), token);
  std::fprintf(stderr, "unknown --mode=%s (import | search)\n", mode.c_str());
  return 2;
}

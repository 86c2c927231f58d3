// Commit-to-visible delay of MatchingService (issue 4: "a change is visible
// to queries within 1 s of its commit"), measured against a running stack
// (scripts/run-stack.sh): posts vacancies through VacancyService one at a
// time and polls MatchingService until each is answerable
// (RecommendWorkers stops returning NOT_FOUND), then closes it again.
// The delay is from PostVacancy's return (the commit is durable) to the
// first successful poll; it includes the outbox relay, Redis, the consumer
// group read and the index update.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/proto_util.h"
#include "common/server.h"
#include "common/validation.h"
#include "labor/v1/matching.grpc.pb.h"
#include "labor/v1/vacancy.grpc.pb.h"

ABSL_FLAG(std::string, vacancy_target, "127.0.0.1:50052", "VacancyService");
ABSL_FLAG(std::string, matching_target, "127.0.0.1:50053", "MatchingService");
ABSL_FLAG(std::string, token_file, "var/dev/tokens/admin.token", "admin token");
ABSL_FLAG(int, samples, 100, "vacancies posted and polled");
ABSL_FLAG(absl::Duration, poll_interval, absl::Milliseconds(2), "poll interval");
ABSL_FLAG(std::string, employer_credit_code, "91511702MA6210001X",
          "employer the probe vacancies are posted for (registered if unknown)");

namespace labor::bench {
namespace {

int Run() {
  absl::StatusOr<std::string> token = ReadTokenFile(absl::GetFlag(FLAGS_token_file));
  if (!token.ok()) {
    std::fprintf(stderr, "%s\n", std::string(token.status().message()).c_str());
    return 2;
  }
  auto vacancy = v1::VacancyService::NewStub(grpc::CreateChannel(
      absl::GetFlag(FLAGS_vacancy_target), grpc::InsecureChannelCredentials()));
  auto matching = v1::MatchingService::NewStub(grpc::CreateChannel(
      absl::GetFlag(FLAGS_matching_target), grpc::InsecureChannelCredentials()));
  ClientOptions options;
  options.token = *token;
  options.deadline = absl::Seconds(5);

  // A valid credit code for the probe employer (GB 32100 check character).
  std::string first17 = absl::GetFlag(FLAGS_employer_credit_code).substr(0, 17);
  std::string credit_code = absl::StrCat(first17, std::string(1, CreditCodeCheckChar(first17)));

  // The probe employer: found by credit code, registered on first use.
  std::string employer_id;
  {
    v1::GetEmployerRequest get;
    get.set_credit_code(credit_code);
    v1::Employer employer;
    grpc::ClientContext ctx;
    PrepareClientContext(options, &ctx);
    grpc::Status st = vacancy->GetEmployer(&ctx, get, &employer);
    if (st.error_code() == grpc::StatusCode::NOT_FOUND) {
      v1::UpsertEmployerRequest upsert;
      upsert.mutable_employer()->set_credit_code(credit_code);
      upsert.mutable_employer()->set_name("达州市通川区时效探针建筑有限公司");
      upsert.mutable_employer()->set_region("511702");
      grpc::ClientContext upsert_ctx;
      PrepareClientContext(options, &upsert_ctx);
      st = vacancy->UpsertEmployer(&upsert_ctx, upsert, &employer);
    }
    if (!st.ok()) {
      std::fprintf(stderr, "probe employer: %s\n", st.error_message().c_str());
      return 1;
    }
    employer_id = employer.employer_id();
  }

  std::vector<double> delays_ms;
  int not_visible = 0;
  for (int i = 0; i < absl::GetFlag(FLAGS_samples); ++i) {
    v1::PostVacancyRequest post;
    v1::Vacancy* v = post.mutable_vacancy();
    v->set_employer_id(employer_id);
    v->set_occupation_code("6-29-01-01");
    v->set_title(absl::StrCat("砌筑工（时效测试", i, "）"));
    v->set_location("511702102");
    v->mutable_wage()->set_unit(v1::WAGE_UNIT_MONTHLY);
    v->mutable_wage()->mutable_min()->set_fen(500000 + i * 100);  // distinct: no duplicates
    v->mutable_wage()->mutable_max()->set_fen(500000 + i * 100);
    v->set_headcount(1);
    *v->mutable_expires_at() = ToProto(absl::Now() + absl::Hours(24));
    post.set_request_id(absl::StrCat("freshness-", absl::ToUnixNanos(absl::Now()), "-", i));
    v1::PostVacancyResponse posted;
    grpc::ClientContext post_ctx;
    PrepareClientContext(options, &post_ctx);
    grpc::Status st = vacancy->PostVacancy(&post_ctx, post, &posted);
    if (!st.ok()) {
      std::fprintf(stderr, "PostVacancy: %s\n", st.error_message().c_str());
      return 1;
    }
    const absl::Time committed = absl::Now();
    const std::string id = posted.vacancy().vacancy_id();
    bool visible = false;
    while (absl::Now() - committed < absl::Seconds(10)) {
      v1::RecommendWorkersRequest ask;
      ask.set_vacancy_id(id);
      ask.set_k(1);
      v1::RecommendResponse answer;
      grpc::ClientContext ctx;
      PrepareClientContext(options, &ctx);
      grpc::Status s = matching->RecommendWorkers(&ctx, ask, &answer);
      if (s.ok()) {
        delays_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - committed));
        visible = true;
        break;
      }
      absl::SleepFor(absl::GetFlag(FLAGS_poll_interval));
    }
    if (!visible) ++not_visible;
    v1::ChangeVacancyStatusRequest close;
    close.set_vacancy_id(id);
    close.set_status(v1::VACANCY_STATUS_CLOSED);
    close.set_reason("时效测试结束");
    v1::Vacancy closed;
    grpc::ClientContext close_ctx;
    PrepareClientContext(options, &close_ctx);
    vacancy->ChangeVacancyStatus(&close_ctx, close, &closed);
  }
  std::sort(delays_ms.begin(), delays_ms.end());
  auto pct = [&](double p) {
    return delays_ms.empty() ? 0.0
                             : delays_ms[std::min(delays_ms.size() - 1,
                                                  static_cast<size_t>(p / 100.0 * delays_ms.size()))];
  };
  std::printf("commit-to-visible over %zu vacancies: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; "
              "not visible within 10 s: %d\n",
              delays_ms.size(), pct(50), pct(90), pct(99), delays_ms.empty() ? 0.0 : delays_ms.back(),
              not_visible);
  return not_visible == 0 ? 0 : 1;
}

}  // namespace
}  // namespace labor::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return labor::bench::Run();
}

// Where MatchingService's records come from: ProfileService and
// VacancyService, read page by page at start (bootstrap) and one vacancy at a
// time when staff ask about a vacancy that is no longer open.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/server.h"
#include "labor/v1/profile.grpc.pb.h"
#include "labor/v1/vacancy.grpc.pb.h"

namespace labor::matching {

class Upstream {
 public:
  virtual ~Upstream() = default;

  template <typename T>
  struct Page {
    std::vector<T> items;
    std::string next_page_token;  // "" after the last page
  };
  // Every worker (masked PII), page by page. UNAVAILABLE / DEADLINE_EXCEEDED
  // when ProfileService cannot be reached; the caller retries the same page.
  virtual absl::StatusOr<Page<v1::Worker>> ListWorkers(const std::string& page_token) = 0;
  // Every open vacancy, those of blacklisted employers included.
  virtual absl::StatusOr<Page<v1::Vacancy>> ListOpenVacancies(const std::string& page_token) = 0;
  // One vacancy in any status. NOT_FOUND when VacancyService has none.
  virtual absl::StatusOr<v1::Vacancy> GetVacancy(const std::string& vacancy_id) = 0;
};

// The gRPC implementation: the `service` role's token and a deadline on
// every call.
class GrpcUpstream : public Upstream {
 public:
  // INVALID_ARGUMENT / NOT_FOUND for unusable TLS settings.
  static absl::StatusOr<std::unique_ptr<GrpcUpstream>> Create(ClientOptions profile,
                                                               ClientOptions vacancy,
                                                               int page_size);

  absl::StatusOr<Page<v1::Worker>> ListWorkers(const std::string& page_token) override;
  absl::StatusOr<Page<v1::Vacancy>> ListOpenVacancies(const std::string& page_token) override;
  absl::StatusOr<v1::Vacancy> GetVacancy(const std::string& vacancy_id) override;

 private:
  GrpcUpstream() = default;
  ClientOptions profile_options_, vacancy_options_;
  int page_size_ = 500;
  std::unique_ptr<v1::ProfileService::Stub> profile_;
  std::unique_ptr<v1::VacancyService::Stub> vacancy_;
};

}  // namespace labor::matching

// Where MatchingService's records come from: ProfileService and
// VacancyService, read page by page at start (bootstrap) and one vacancy at a
// time when staff ask about a vacancy that is no longer open. The interface
// is gRPC-free; services/matching/grpc_upstream.h implements it.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "labor/v1/profile.pb.h"
#include "labor/v1/vacancy.pb.h"

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

}  // namespace labor::matching

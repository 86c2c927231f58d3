// The gRPC Upstream: ProfileService and VacancyService clients.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/server.h"
#include "labor/v1/profile.grpc.pb.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "services/matching/upstream.h"

namespace labor::matching {

// The gRPC implementation: the `service` role's token and a deadline on
// every call.
class GrpcUpstream : public Upstream {
 public:
  // INVALID_ARGUMENT / NOT_FOUND for unusable TLS settings.
  static absl::StatusOr<std::unique_ptr<GrpcUpstream>> Create(ClientOptions profile,
                                                              ClientOptions vacancy, int page_size);

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

#include "services/matching/grpc_upstream.h"

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/status.h"

namespace labor::matching {
absl::StatusOr<std::unique_ptr<GrpcUpstream>> GrpcUpstream::Create(ClientOptions profile,
                                                                   ClientOptions vacancy,
                                                                   int page_size) {
  std::unique_ptr<GrpcUpstream> upstream(new GrpcUpstream());
  ASSIGN_OR_RETURN(auto profile_channel, MakeChannel(profile));
  ASSIGN_OR_RETURN(auto vacancy_channel, MakeChannel(vacancy));
  upstream->profile_ = v1::ProfileService::NewStub(profile_channel);
  upstream->vacancy_ = v1::VacancyService::NewStub(vacancy_channel);
  upstream->profile_options_ = std::move(profile);
  upstream->vacancy_options_ = std::move(vacancy);
  upstream->page_size_ = page_size;
  return upstream;
}

absl::StatusOr<Upstream::Page<v1::Worker>> GrpcUpstream::ListWorkers(
    const std::string& page_token) {
  v1::ListWorkersRequest request;
  request.mutable_page()->set_page_size(page_size_);
  request.mutable_page()->set_page_token(page_token);
  v1::ListWorkersResponse response;
  grpc::ClientContext ctx;
  PrepareClientContext(profile_options_, &ctx);
  grpc::Status status = profile_->ListWorkers(&ctx, request, &response);
  if (!status.ok()) return UpstreamError(status, "ProfileService.ListWorkers");
  Page<v1::Worker> page;
  page.items.assign(std::make_move_iterator(response.mutable_workers()->begin()),
                    std::make_move_iterator(response.mutable_workers()->end()));
  page.next_page_token = response.page().next_page_token();
  return page;
}

absl::StatusOr<Upstream::Page<v1::Vacancy>> GrpcUpstream::ListOpenVacancies(
    const std::string& page_token) {
  v1::ListVacanciesRequest request;
  request.mutable_page()->set_page_size(page_size_);
  request.mutable_page()->set_page_token(page_token);
  request.set_status(v1::VACANCY_STATUS_OPEN);
  request.set_include_blacklisted(true);
  v1::ListVacanciesResponse response;
  grpc::ClientContext ctx;
  PrepareClientContext(vacancy_options_, &ctx);
  grpc::Status status = vacancy_->ListVacancies(&ctx, request, &response);
  if (!status.ok()) return UpstreamError(status, "VacancyService.ListVacancies");
  Page<v1::Vacancy> page;
  page.items.assign(std::make_move_iterator(response.mutable_vacancies()->begin()),
                    std::make_move_iterator(response.mutable_vacancies()->end()));
  page.next_page_token = response.page().next_page_token();
  return page;
}

absl::StatusOr<v1::Vacancy> GrpcUpstream::GetVacancy(const std::string& vacancy_id) {
  v1::GetVacancyRequest request;
  request.set_vacancy_id(vacancy_id);
  v1::Vacancy response;
  grpc::ClientContext ctx;
  PrepareClientContext(vacancy_options_, &ctx);
  grpc::Status status = vacancy_->GetVacancy(&ctx, request, &response);
  if (!status.ok()) return UpstreamError(status, "VacancyService.GetVacancy");
  return response;
}

}  // namespace labor::matching

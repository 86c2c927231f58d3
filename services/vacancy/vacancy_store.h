// VacancyService's store, behind an interface so the domain logic does not
// know RocksDB. One Apply() is one atomic commit: records of several kinds,
// their secondary indexes and the outbox events together.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "labor/store/v1/vacancy_store.pb.h"
#include "labor/v1/common.pb.h"
#include "labor/v1/vacancy.pb.h"

namespace labor::vacancy {

using store::v1::StoredEmployer;
using store::v1::StoredFair;
using store::v1::StoredPostRequest;
using store::v1::StoredVacancy;

// One atomic change. Pointers are not owned and valid during Apply; a null
// `before` is a new record. The store derives index entries from the
// records, so `before` must be the record as stored.
struct VacancyMutation {
  struct EmployerChange {
    const StoredEmployer* before = nullptr;
    const StoredEmployer* after = nullptr;
  };
  struct VacancyChange {
    const StoredVacancy* before = nullptr;
    const StoredVacancy* after = nullptr;
    // Remembered for idempotent PostVacancy retries, with the request's
    // content fingerprint.
    std::string request_id;
    std::string request_fingerprint;
  };
  struct FairChange {
    const StoredFair* before = nullptr;
    const StoredFair* after = nullptr;
  };
  struct CheckIn {
    std::string fair_id;
    std::string worker_id;
    absl::Time at;
  };
  std::vector<EmployerChange> employers;
  std::vector<VacancyChange> vacancies;
  std::vector<FairChange> fairs;
  std::vector<CheckIn> check_ins;
  std::vector<v1::Event> events;
};

class VacancyStore {
 public:
  virtual ~VacancyStore() = default;

  // Point reads; nullopt when absent.
  virtual absl::StatusOr<std::optional<StoredEmployer>> GetEmployer(absl::string_view id) = 0;
  virtual absl::StatusOr<std::optional<StoredVacancy>> GetVacancy(absl::string_view id) = 0;
  virtual absl::StatusOr<std::optional<StoredFair>> GetFair(absl::string_view id) = 0;
  // Employer id by unified social credit code.
  virtual absl::StatusOr<std::optional<std::string>> FindEmployerByCreditCode(
      absl::string_view credit_code) = 0;
  // Vacancy id by source key (SourceKey()).
  virtual absl::StatusOr<std::optional<std::string>> FindVacancyBySource(
      absl::string_view source_key) = 0;
  // What a PostVacancy request id was first used for.
  virtual absl::StatusOr<std::optional<StoredPostRequest>> FindPostRequest(
      absl::string_view request_id) = 0;
  // Open vacancies of an employer.
  virtual absl::StatusOr<std::vector<std::string>> FindOpenByEmployer(
      absl::string_view employer_id) = 0;
  // When the worker checked in at the fair, if they did.
  virtual absl::StatusOr<std::optional<absl::Time>> FindCheckIn(absl::string_view fair_id,
                                                                absl::string_view worker_id) = 0;

  // Open vacancies whose expires_at <= now, soonest first, at most `limit`.
  virtual absl::StatusOr<std::vector<std::string>> DueToExpire(absl::Time now, int limit) = 0;
  // Employers whose active listing ends on or before `today`, at most `limit`.
  virtual absl::StatusOr<std::vector<std::string>> ListingsDueToEnd(absl::CivilDay today,
                                                                    int limit) = 0;
  // Employers listed now (or ever, with `history`), in id order after
  // `start_after`, at most `limit`.
  virtual absl::StatusOr<std::vector<std::string>> ListBlacklisted(bool history,
                                                                   absl::string_view start_after,
                                                                   int limit) = 0;
  // Fairs by start date then id, after the opaque `start_after` position;
  // `year` 0 = all. Sets *next to the position of the last one returned
  // ("" when no more).
  virtual absl::StatusOr<std::vector<StoredFair>> ListFairs(int year, absl::string_view start_after,
                                                            int limit, std::string* next) = 0;

  // Visits every vacancy (index bootstrap) until `visit` returns false.
  virtual absl::Status ScanVacancies(const std::function<bool(const StoredVacancy&)>& visit) = 0;

  // Commits the mutation atomically (durably when the store syncs writes).
  virtual absl::Status Apply(const VacancyMutation& mutation) = 0;

  virtual absl::Status Health() = 0;
};

// The key a vacancy's source is known by: "employer", "fair/<fair_id>",
// "partner/<tenant>/<external_id>". Partner keys make imports idempotent.
std::string SourceKey(const v1::VacancySource& source);

}  // namespace labor::vacancy

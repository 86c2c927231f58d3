// VacancyStore on RocksDB. Column families:
//   employers  employer_id -> StoredEmployer
//   vacancies  vacancy_id  -> StoredVacancy
//   fairs      fair_id     -> StoredFair
//   checkins   "<fair_id>\0<worker_id>" -> check-in time (BE64 micros)
//   index      "cc\0<credit code>" -> employer_id
//              "bl\0<employer_id>" -> "" (listed now)
//              "bh\0<employer_id>" -> "" (ever listed)
//              "be\0<yyyymmdd listing end>\0<employer_id>" -> "" (listed now)
//              "src\0<source key>" -> vacancy_id (partner sources)
//              "req\0<request id>" -> vacancy_id
//              "dk\0<dedup key>\0<vacancy_id>" -> "" (open only; the key
//                starts with "<employer_id>|": also the employer's open ones)
//              "ex\0<BE64 expiry micros>\0<vacancy_id>" -> "" (open only)
//              "fs\0<yyyymmdd start>\0<fair_id>" -> ""
//   outbox, meta (common/outbox.h)
#pragma once

#include <string>
#include <vector>

#include "common/outbox.h"
#include "common/rocks.h"
#include "services/vacancy/vacancy_store.h"

namespace labor::vacancy {

class RocksVacancyStore : public VacancyStore {
 public:
  // The column families to open the RocksStore with.
  static std::vector<std::string> ColumnFamilies();

  // `store` and `outbox` must outlive this object.
  RocksVacancyStore(RocksStore* store, Outbox* outbox) : store_(store), outbox_(outbox) {}

  absl::StatusOr<std::optional<StoredEmployer>> GetEmployer(absl::string_view id) override;
  absl::StatusOr<std::optional<StoredVacancy>> GetVacancy(absl::string_view id) override;
  absl::StatusOr<std::optional<StoredFair>> GetFair(absl::string_view id) override;
  absl::StatusOr<std::optional<std::string>> FindEmployerByCreditCode(
      absl::string_view credit_code) override;
  absl::StatusOr<std::optional<std::string>> FindVacancyBySource(
      absl::string_view source_key) override;
  absl::StatusOr<std::optional<StoredPostRequest>> FindPostRequest(
      absl::string_view request_id) override;
  absl::StatusOr<std::vector<std::string>> FindOpenByEmployer(
      absl::string_view employer_id) override;
  absl::StatusOr<std::optional<absl::Time>> FindCheckIn(absl::string_view fair_id,
                                                        absl::string_view worker_id) override;
  absl::StatusOr<std::vector<std::string>> DueToExpire(absl::Time now, int limit) override;
  absl::StatusOr<std::vector<std::string>> ListingsDueToEnd(absl::CivilDay today,
                                                            int limit) override;
  absl::StatusOr<std::vector<std::string>> ListBlacklisted(bool history,
                                                           absl::string_view start_after,
                                                           int limit) override;
  absl::StatusOr<std::vector<StoredFair>> ListFairs(int year, absl::string_view start_after,
                                                    int limit, std::string* next) override;
  absl::Status ScanVacancies(const std::function<bool(const StoredVacancy&)>& visit) override;
  absl::Status Apply(const VacancyMutation& mutation) override;
  absl::Status Health() override;

 private:
  // Ids stored as the last part of index keys under `prefix`.
  absl::StatusOr<std::vector<std::string>> IdsUnder(const std::string& prefix,
                                                    absl::string_view start_after, int limit);
  // Ids of the index keys under `prefix` that sort before `end`, in key
  // order, at most `limit` (the due-indexes: expiries, listing ends).
  absl::StatusOr<std::vector<std::string>> IdsBefore(const std::string& prefix,
                                                     const std::string& end, int limit);

  RocksStore* store_;
  Outbox* outbox_;
};

}  // namespace labor::vacancy

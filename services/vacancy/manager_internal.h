// What VacancyManager's area files (employers.cc, vacancies.cc, fairs.cc,
// imports.cc, scheduler.cc) share. Not for use outside the manager.
#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "labor/v1/common.pb.h"
#include "labor/v1/vacancy.pb.h"
#include "services/vacancy/vacancy_manager.h"

namespace labor::vacancy {

// The writer lock for every write but an import batch: settles an import
// write in flight first, so the write sees the store as the imports left it
// and runs exactly as without the pipeline.
class ABSL_SCOPED_LOCKABLE VacancyManager::WriterLock {
 public:
  explicit WriterLock(VacancyManager* m) ABSL_EXCLUSIVE_LOCK_FUNCTION(m->write_mu_) : m_(m) {
    m_->write_mu_.Lock();
    if (m_->committing_ == nullptr) return;
    absl::MutexLock commit(&m_->commit_mu_);
    m_->SettleIndependent();
  }
  ~WriterLock() ABSL_UNLOCK_FUNCTION() { m_->write_mu_.Unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  VacancyManager* const m_;
};

namespace manager_internal {

std::string DateText(const v1::Date& d);

// Ids and keys the service stores inside index keys: printable ASCII
// without spaces, so they never contain the NUL separator.
bool IsPlainToken(absl::string_view s, size_t max_chars);

// Adds `id` unless listed; true when added.
bool AddUnique(google::protobuf::RepeatedPtrField<std::string>* list, absl::string_view id);

// Headcount changes move `remaining` by the same amount (never below 0).
void SetHeadcount(v1::Vacancy* v, int headcount);

// Employers in events carry no contact person (personal data).
v1::Employer PublicEmployer(const v1::Employer& e);

}  // namespace manager_internal
}  // namespace labor::vacancy

// What an audit record says about a change to a worker: which fields it
// touched (names only, never values) and how consent moved. Plain functions
// over the stored record and its sealed personal data.
#pragma once

#include <string>
#include <vector>

#include "labor/store/v1/profile_store.pb.h"
#include "labor/v1/profile.pb.h"

namespace labor::profile {

// Names of the fields that differ between two versions of a worker, in
// field order: top-level Worker fields ("skills", "household_id"), one level
// deeper inside preferences, return_plan and consent
// ("preferences.minimum_monthly_wage", "consent.sms"), and "name",
// "id_number", "phone" from the personal data. Bookkeeping that every change
// moves (version, updated_at, consent.updated_at) is left out. A new worker
// is the difference from an empty one.
std::vector<std::string> ChangedFields(const v1::Worker& before,
                                       const store::v1::WorkerPii& before_pii,
                                       const v1::Worker& after,
                                       const store::v1::WorkerPii& after_pii);

// "withdrawn: wechat; granted: sms" (the channels whose consent changed),
// "" when none did.
std::string ConsentChange(const v1::Consent& before, const v1::Consent& after);

}  // namespace labor::profile

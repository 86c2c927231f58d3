// Status helpers shared by every service: the RETURN_IF_ERROR / ASSIGN_OR_RETURN
// pair (Abseil 20220623 has none) and field-level INVALID_ARGUMENT errors.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#define LABOR_STATUS_CONCAT_INNER(a, b) a##b
#define LABOR_STATUS_CONCAT(a, b) LABOR_STATUS_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status labor_status_ = (expr);         \
    if (!labor_status_.ok()) return labor_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo());` declares/assigns x from an OK StatusOr or
// returns its status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  LABOR_ASSIGN_OR_RETURN_IMPL(LABOR_STATUS_CONCAT(labor_statusor_, __LINE__), lhs, expr)
#define LABOR_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr)   \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

namespace labor {

// One violated field: `field` is the request path ("worker.id_number"),
// `description` says why in words an operator can act on.
struct FieldViolation {
  std::string field;
  std::string description;
};

// Type URL of the payload that carries field violations inside an
// absl::Status; ToGrpcStatus turns it into google.rpc.BadRequest.
inline constexpr absl::string_view kFieldViolationsPayload =
    "type.googleapis.com/google.rpc.BadRequest";

// INVALID_ARGUMENT whose message names the field, with the field violation
// attached as a payload.
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// INVALID_ARGUMENT for several fields at once (violations must be non-empty).
absl::Status InvalidFields(const std::vector<FieldViolation>& violations);

// The field violations carried by `status` (empty when there are none).
std::vector<FieldViolation> GetFieldViolations(const absl::Status& status);

// Returns `status` with every field path prefixed by `prefix` + ".", so a
// validator written for a Worker can report "worker.phone" in a request.
absl::Status PrefixFields(const absl::Status& status, absl::string_view prefix);

// Collects violations while validating a message, then yields one status.
class ViolationCollector {
 public:
  void Add(absl::string_view field, absl::string_view description);
  // Adds the violations of `status` (or its message under `field` when it has
  // none). OK statuses are ignored.
  void Merge(const absl::Status& status, absl::string_view field = "");
  bool empty() const { return violations_.empty(); }
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> violations_;
};

}  // namespace labor

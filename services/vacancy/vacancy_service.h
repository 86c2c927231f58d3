// The thin gRPC adapter of VacancyService: authenticate and authorize every
// call, run the domain method on the worker pool, convert the status once,
// record metrics. ImportVacancies is a bidi stream whose items are applied
// in batches (whatever arrived while the previous batch committed), one
// result per item, in order. A message that does not parse ends the stream
// INVALID_ARGUMENT naming its position, after the messages before it were
// answered; a shutdown ends it UNAVAILABLE the same way.
#pragma once

#include "common/auth.h"
#include "common/metrics.h"
#include "common/rpc_handler.h"
#include "common/thread_pool.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "services/vacancy/import_pipeline.h"
#include "services/vacancy/vacancy_manager.h"

namespace labor::vacancy {

// Which roles may call which VacancyService method (deny by default).
MethodPolicy VacancyMethodPolicy();

// How an import stream batches and how far it reads and answers ahead.
using VacancyServiceOptions = ImportPipelineOptions;

class VacancyServiceImpl final : public RpcService<v1::VacancyService> {
 public:
  // All pointers must outlive the service. `metrics` may be null.
  VacancyServiceImpl(VacancyManager* manager, const Authenticator* auth, ThreadPool* pool,
                     Metrics* metrics, VacancyServiceOptions options = {});

 private:
  template <typename In, typename Out>
  class ImportReactor;

  VacancyManager* manager_;
  VacancyServiceOptions options_;
};

}  // namespace labor::vacancy

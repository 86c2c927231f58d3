// hello_server: the floor for ProfileService latency and throughput. It
// speaks the real labor.v1.ProfileService API (same method names, same
// messages, same GrpcServer bootstrap with health, reflection and per-RPC
// metrics) but its handlers do no work: GetWorker answers a fixed small
// Worker and RegisterWorker echoes the request, both inline on the gRPC
// callback thread. The gap between this and profile_server under the same
// load is what the service itself costs.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/synchronization/mutex.h"
#include "common/config.h"
#include "common/metrics.h"
#include "common/server.h"
#include "labor/v1/profile.grpc.pb.h"

ABSL_FLAG(bool, record_metrics, true,
          "record per-RPC Prometheus metrics like the real services do");

namespace labor::bench {
namespace {

class HelloProfileService : public v1::ProfileService::CallbackService {
 public:
  explicit HelloProfileService(Metrics* metrics) : metrics_(metrics) {}

  grpc::ServerUnaryReactor* GetWorker(grpc::CallbackServerContext* ctx,
                                      const v1::GetWorkerRequest* request,
                                      v1::Worker* response) override {
    RpcScope scope(metrics_, "GetWorker");
    response->set_worker_id(request->worker_id().empty() ? "w-hello" : request->worker_id());
    response->set_version(1);
    response->set_name("测试");
    response->set_id_number("5117**********123X");
    response->set_phone("138****0000");
    response->set_hukou_township("511702001");
    response->set_household_id("TC-HELLO-1");
    response->set_pii_masked(true);
    scope.Finish(grpc::Status::OK);
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerUnaryReactor* RegisterWorker(grpc::CallbackServerContext* ctx,
                                           const v1::RegisterWorkerRequest* request,
                                           v1::RegisterWorkerResponse* response) override {
    RpcScope scope(metrics_, "RegisterWorker");
    *response->mutable_worker() = request->worker();
    response->mutable_worker()->set_worker_id("w-hello");
    response->mutable_worker()->set_version(1);
    response->set_created(true);
    scope.Finish(grpc::Status::OK);
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  Metrics* metrics_;
};

int Run() {
  ServerOptions options = ServerOptionsFromFlags("labor.v1.ProfileService");
  GrpcServer server(options, nullptr);
  HelloProfileService service(absl::GetFlag(FLAGS_record_metrics) ? &server.metrics() : nullptr);
  server.AddService(&service);
  absl::Status started = server.Start();
  if (!started.ok()) {
    std::fprintf(stderr, "hello_server: %s\n", started.ToString().c_str());
    return 1;
  }
  server.Wait();
  return 0;
}

}  // namespace
}  // namespace labor::bench

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as the services
  labor::GrpcServer::InstallSignalHandlers();
  absl::SetFlag(&FLAGS_listen, "127.0.0.1:50090");
  absl::SetFlag(&FLAGS_metrics_listen, "");
  labor::ParseFlagsWithEnv(argc, argv,
                           "hello_server: a do-nothing labor.v1.ProfileService (benchmark floor)");
  return labor::bench::Run();
}

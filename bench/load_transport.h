// The seam between grpc_load's phase logic (closed/open loop, in-flight
// accounting, latency, summary) and the client that moves the bytes: the
// gRPC C++ callback client (--transport=grpcpp) or the lean libnghttp2 client
// (--transport=h2, bench/h2_transport.h). Requests arrive pre-serialized, so
// building them is not part of the measured loop for either transport.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace labor::bench {

using SteadyClock = std::chrono::steady_clock;

// One unary RPC method: its HTTP/2 path and a decoder for its response.
struct RpcMethod {
  std::string path;  // e.g. "/labor.v1.ProfileService/GetWorker"
  // Parses a serialized response message; false if it is malformed.
  bool (*parse_response)(absl::string_view bytes) = nullptr;
};

// What a transport asks of the phase logic. Pump and OnDone run on the
// transport's threads; with several lanes, on several threads at once.
class PhaseDriver {
 public:
  struct Wake {
    // Call Pump again at (or soon after) this time.
    SteadyClock::time_point at = SteadyClock::time_point::max();
    // Also call Pump soon after any completion (a call is waiting for room
    // under the in-flight limit, or the phase is draining).
    bool on_completion = false;
  };

  virtual ~PhaseDriver() = default;
  // Starts the calls of `lane` that are due at `now` (LoadTransport::StartCall).
  virtual Wake Pump(int lane, SteadyClock::time_point now) = 0;
  // A call finished with gRPC status `code` (0..16). `message` is the
  // grpc-message (may be empty); valid only during the call. May start the
  // next call on `slot` from inside.
  virtual void OnDone(int slot, SteadyClock::time_point start, int code,
                      absl::string_view message) = 0;
  // True once the phase is over, `lane` has started all its calls and no
  // call is in flight: that lane may stop.
  virtual bool Finished(int lane) = 0;
};

class LoadTransport {
 public:
  virtual ~LoadTransport() = default;
  // Threads that start calls and deliver completions ("lanes").
  virtual int lanes() const = 0;
  // The lane that owns `slot` (slot >= 0).
  virtual int LaneOf(int slot) const = 0;
  // Starts one call on the connection of `slot` (slot < 0: the calling
  // lane's connections, round robin). `request` is the serialized request
  // message and must stay valid until OnDone. Call it from Pump or OnDone of
  // the lane that owns the slot (grpcpp: any thread).
  virtual void StartCall(int slot, absl::string_view request, SteadyClock::time_point start) = 0;
  // Runs one phase: Pump on every lane at once, then whenever the driver asks
  // (Wake), until Finished. Completions go to driver->OnDone.
  virtual void RunPhase(PhaseDriver* driver) = 0;
};

}  // namespace labor::bench

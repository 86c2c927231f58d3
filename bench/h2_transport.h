// A lean gRPC client for grpc_load on libnghttp2: plain-text HTTP/2 with
// prior knowledge (h2c), unary calls only, one epoll event loop per thread,
// each owning a share of the connections. It costs the load tool a fraction
// of the gRPC C++ client's CPU per call, which matters when the load tool
// and the server under test share a small machine.
//
// It is still a real client: it sends proper gRPC requests (length-prefixed
// message, te: trailers, grpc-timeout, authorization), reads :status, the
// headers and trailers (grpc-status, grpc-message), decodes the response
// frame and parses the response message, and enforces the deadline with
// RST_STREAM on its side too.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/load_transport.h"

namespace labor::bench {

struct H2TransportOptions {
  std::string target;  // host:port (no TLS)
  int connections = 4;
  int threads = 1;  // event loops; connection c belongs to loop c % threads
  RpcMethod method;
  absl::Duration deadline = absl::Seconds(5);
  std::string token;  // bearer token; empty = no authorization header
};

// Connects `connections` TCP connections and completes the HTTP/2 handshake
// (the server's SETTINGS) on each. UNAVAILABLE if the target cannot be
// reached or does not speak HTTP/2; INVALID_ARGUMENT for a bad target.
absl::StatusOr<std::unique_ptr<LoadTransport>> ConnectH2Transport(
    const H2TransportOptions& options);

}  // namespace labor::bench

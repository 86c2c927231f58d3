#include "bench/h2_transport.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace labor::bench {
namespace {

// gRPC status codes (grpc/status.h numbering).
constexpr int kOk = 0;
constexpr int kCancelled = 1;
constexpr int kUnknown = 2;
constexpr int kDeadlineExceeded = 4;
constexpr int kPermissionDenied = 7;
constexpr int kResourceExhausted = 8;
constexpr int kUnimplemented = 12;
constexpr int kInternal = 13;
constexpr int kUnavailable = 14;
constexpr int kUnauthenticated = 16;

// Stream and connection receive windows: large enough that flow control
// never stalls a benchmark with hundreds of calls in flight.
constexpr int32_t kWindowSize = 1 << 30;
// Longest an event loop sleeps; bounds how late a lane notices the end of a
// phase that another lane's completions finished.
constexpr auto kMaxSleep = std::chrono::milliseconds(20);
constexpr size_t kReadBuffer = 64 * 1024;

// The gRPC code for a response whose HTTP status is not 200 (gRPC's
// "HTTP to gRPC status code mapping").
int StatusFromHttp(int http_status) {
  switch (http_status) {
    case 400:
      return kInternal;
    case 401:
      return kUnauthenticated;
    case 403:
      return kPermissionDenied;
    case 404:
      return kUnimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return kUnavailable;
    default:
      return kUnknown;
  }
}

// The gRPC code for a stream reset by the server before any grpc-status.
int StatusFromReset(uint32_t error_code) {
  switch (error_code) {
    case NGHTTP2_REFUSED_STREAM:
      return kUnavailable;
    case NGHTTP2_CANCEL:
      return kCancelled;
    case NGHTTP2_ENHANCE_YOUR_CALM:
      return kResourceExhausted;
    case NGHTTP2_INADEQUATE_SECURITY:
      return kPermissionDenied;
    default:
      return kInternal;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// grpc-message is percent-encoded (gRPC over HTTP/2, "Responses").
std::string PercentDecode(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

// grpc-timeout: at most eight digits and a unit; round up so the server
// never gives up before the client does.
std::string GrpcTimeout(absl::Duration deadline) {
  const int64_t ms =
      std::max<int64_t>(1, absl::ToInt64Milliseconds(absl::Ceil(deadline, absl::Milliseconds(1))));
  if (ms <= 99999999) return absl::StrCat(ms, "m");
  const int64_t seconds = (ms + 999) / 1000;
  if (seconds <= 99999999) return absl::StrCat(seconds, "S");
  return absl::StrCat(std::min<int64_t>(99999999, (seconds + 3599) / 3600), "H");
}

struct Connection;

// One call. Streams are pooled per lane and reused; `serial` tells a live
// call from a recycled one in the deadline queue.
struct Stream {
  enum class State { kFree, kActive, kFinished };
  State state = State::kFree;
  uint64_t serial = 0;
  Connection* conn = nullptr;
  int slot = 0;
  SteadyClock::time_point start;
  absl::string_view request;
  char prefix[5] = {};  // the gRPC message frame header
  size_t sent = 0;      // bytes of prefix + request handed to nghttp2
  int32_t id = 0;
  int http_status = 0;
  int grpc_status = -1;  // -1: none received
  std::string grpc_message;
  std::string body;  // DATA payload: length-prefixed response message(s)
  uint32_t reset_code = 0;
  bool deadline_exceeded = false;
  int local_code = -1;  // failed before reaching the server
};

struct Lane;

struct Connection {
  int index = 0;
  int fd = -1;
  Lane* lane = nullptr;
  nghttp2_session* session = nullptr;
  std::string out;  // encoded frames not yet written to the socket
  size_t out_pos = 0;
  bool epollout = false;
  bool broken = false;
  bool settings_received = false;
  // (deadline, stream, serial) in issue order, hence deadline order.
  struct Pending {
    SteadyClock::time_point deadline;
    Stream* stream;
    uint64_t serial;
  };
  std::deque<Pending> deadlines;
};

struct Lane {
  int index = 0;
  int epfd = -1;
  std::vector<Connection*> conns;
  size_t next_conn = 0;
  std::vector<std::unique_ptr<Stream>> pool;
  std::vector<Stream*> free;
  std::vector<Stream*> finished;  // closed, not yet reported
  std::vector<Stream*> reporting;
  uint64_t next_serial = 1;
};

thread_local Lane* current_lane = nullptr;

class H2Transport final : public LoadTransport {
 public:
  explicit H2Transport(const H2TransportOptions& options)
      : options_(options),
        authority_(options.target),
        timeout_(GrpcTimeout(options.deadline)),
        authorization_(options.token.empty() ? "" : absl::StrCat("Bearer ", options.token)) {
    nghttp2_session_callbacks_new(&callbacks_);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks_, OnFrameRecv);
    nghttp2_session_callbacks_set_on_header_callback(callbacks_, OnHeader);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks_, OnDataChunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks_, OnStreamClose);
    auto add = [this](const char* name, absl::string_view value) {
      nghttp2_nv nv;
      nv.name = reinterpret_cast<uint8_t*>(const_cast<char*>(name));
      nv.namelen = std::strlen(name);
      nv.value = reinterpret_cast<uint8_t*>(const_cast<char*>(value.data()));
      nv.valuelen = value.size();
      nv.flags = NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE;
      headers_.push_back(nv);
    };
    add(":method", kPost);
    add(":scheme", kHttp);
    add(":path", options_.method.path);
    add(":authority", authority_);
    add("content-type", kContentType);
    add("te", kTrailers);
    add("user-agent", kUserAgent);
    add("grpc-timeout", timeout_);
    if (!authorization_.empty()) add("authorization", authorization_);
  }

  ~H2Transport() override {
    for (auto& conn : conns_) {
      if (conn->session != nullptr) {
        conn->lane = nullptr;  // callbacks from nghttp2_session_del are ignored
        nghttp2_session_del(conn->session);
      }
      if (conn->fd >= 0) close(conn->fd);
    }
    for (auto& lane : lanes_) {
      if (lane->epfd >= 0) close(lane->epfd);
    }
    nghttp2_session_callbacks_del(callbacks_);
  }

  absl::Status Connect() {
    const std::string& target = options_.target;
    const size_t colon = target.rfind(':');
    if (colon == std::string::npos || colon + 1 == target.size()) {
      return absl::InvalidArgumentError(absl::StrCat("target ", target, " is not host:port"));
    }
    std::string host = target.substr(0, colon);
    const std::string port = target.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* addresses = nullptr;
    if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses); rc != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot resolve ", target, ": ", gai_strerror(rc)));
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> cleanup(addresses, freeaddrinfo);

    const int threads = std::clamp(options_.threads, 1, std::max(1, options_.connections));
    for (int i = 0; i < threads; ++i) {
      auto lane = std::make_unique<Lane>();
      lane->index = i;
      lane->epfd = epoll_create1(EPOLL_CLOEXEC);
      if (lane->epfd < 0) return absl::InternalError(absl::StrCat("epoll: ", strerror(errno)));
      lanes_.push_back(std::move(lane));
    }
    for (int i = 0; i < std::max(1, options_.connections); ++i) {
      auto conn = std::make_unique<Connection>();
      conn->index = i;
      conn->lane = lanes_[static_cast<size_t>(i) % lanes_.size()].get();
      int fd = -1;
      int last_errno = 0;
      for (addrinfo* a = addresses; a != nullptr; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        last_errno = errno;
        close(fd);
        fd = -1;
      }
      if (fd < 0) {
        return absl::UnavailableError(
            absl::StrCat("cannot connect to ", target, ": ", strerror(last_errno)));
      }
      conn->fd = fd;
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      if (nghttp2_session_client_new(&conn->session, callbacks_, conn.get()) != 0) {
        return absl::InternalError("nghttp2_session_client_new failed");
      }
      // h2c with prior knowledge: the preface and our SETTINGS go out first.
      const nghttp2_settings_entry settings[] = {
          {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
          {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(kWindowSize)},
      };
      nghttp2_submit_settings(conn->session, NGHTTP2_FLAG_NONE, settings,
                              sizeof(settings) / sizeof(settings[0]));
      nghttp2_session_set_local_window_size(conn->session, NGHTTP2_FLAG_NONE, 0, kWindowSize);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = conn.get();
      epoll_ctl(conn->lane->epfd, EPOLL_CTL_ADD, fd, &ev);
      conn->lane->conns.push_back(conn.get());
      conns_.push_back(std::move(conn));
    }
    // Wait for every server's SETTINGS: proof that it speaks HTTP/2.
    const auto give_up = SteadyClock::now() + std::chrono::seconds(10);
    for (auto& conn : conns_) {
      while (!conn->settings_received && !conn->broken) {
        Flush(conn.get());
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(give_up - SteadyClock::now());
        if (left.count() <= 0) break;
        pollfd p{conn->fd, static_cast<short>(POLLIN | (conn->epollout ? POLLOUT : 0)), 0};
        if (poll(&p, 1, static_cast<int>(left.count())) > 0) {
          if (p.revents & POLLOUT) WritePending(conn.get());
          if (p.revents & (POLLIN | POLLERR | POLLHUP)) Read(conn.get());
        }
      }
      if (!conn->settings_received) {
        return absl::UnavailableError(
            absl::StrCat("no HTTP/2 SETTINGS from ", target, " (not an h2c gRPC server?)"));
      }
    }
    return absl::OkStatus();
  }

  int lanes() const override { return static_cast<int>(lanes_.size()); }

  int LaneOf(int slot) const override {
    return static_cast<int>(static_cast<size_t>(slot) % conns_.size() % lanes_.size());
  }

  void StartCall(int slot, absl::string_view request, SteadyClock::time_point start) override {
    Connection* conn;
    if (slot >= 0) {
      conn = conns_[static_cast<size_t>(slot) % conns_.size()].get();
    } else {
      Lane* lane = current_lane;
      conn = lane->conns[lane->next_conn++ % lane->conns.size()];
    }
    Lane* lane = conn->lane;
    Stream* s = Acquire(lane);
    s->conn = conn;
    s->slot = slot;
    s->start = start;
    s->request = request;
    const uint32_t length = static_cast<uint32_t>(request.size());
    s->prefix[0] = 0;  // not compressed
    s->prefix[1] = static_cast<char>(length >> 24);
    s->prefix[2] = static_cast<char>(length >> 16);
    s->prefix[3] = static_cast<char>(length >> 8);
    s->prefix[4] = static_cast<char>(length);
    if (conn->broken) {
      Fail(s, kUnavailable);
      return;
    }
    nghttp2_data_provider body;
    body.source.ptr = s;
    body.read_callback = ReadBody;
    const int32_t id =
        nghttp2_submit_request(conn->session, nullptr, headers_.data(), headers_.size(), &body, s);
    if (id < 0) {  // e.g. stream ids exhausted
      Fail(s, kUnavailable);
      return;
    }
    s->id = id;
    conn->deadlines.push_back(
        {SteadyClock::now() + absl::ToChronoNanoseconds(options_.deadline), s, s->serial});
  }

  void RunPhase(PhaseDriver* driver) override {
    driver_ = driver;
    std::vector<std::thread> threads;
    for (size_t i = 1; i < lanes_.size(); ++i) {
      threads.emplace_back([this, i] { RunLane(lanes_[i].get()); });
    }
    RunLane(lanes_[0].get());
    for (auto& t : threads) t.join();
    driver_ = nullptr;
  }

 private:
  static constexpr char kPost[] = "POST";
  static constexpr char kHttp[] = "http";
  static constexpr char kContentType[] = "application/grpc";
  static constexpr char kTrailers[] = "trailers";
  static constexpr char kUserAgent[] = "grpc_load-h2/1";

  void RunLane(Lane* lane) {
    current_lane = lane;
    std::vector<epoll_event> events(64);
    for (;;) {
      const auto now = SteadyClock::now();
      ExpireDeadlines(lane, now);
      const PhaseDriver::Wake wake = driver_->Pump(lane->index, now);
      Settle(lane);
      if (driver_->Finished(lane->index)) break;
      SteadyClock::time_point until = std::min(wake.at, now + kMaxSleep);
      for (Connection* conn : lane->conns) {
        if (!conn->deadlines.empty()) until = std::min(until, conn->deadlines.front().deadline);
      }
      const int n = Wait(lane->epfd, events.data(), static_cast<int>(events.size()), until);
      for (int i = 0; i < n; ++i) {
        auto* conn = static_cast<Connection*>(events[i].data.ptr);
        if (events[i].events & EPOLLOUT) WritePending(conn);
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) Read(conn);
      }
      Settle(lane);
    }
    current_lane = nullptr;
  }

  // epoll_wait with a nanosecond deadline: open-loop calls start on time.
  static int Wait(int epfd, epoll_event* events, int max, SteadyClock::time_point until) {
    const auto left = std::max(SteadyClock::duration::zero(), until - SteadyClock::now());
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    int n = epoll_pwait2(epfd, events, max, &ts, nullptr);
    if (n < 0 && errno == ENOSYS) {  // kernels before 5.11: millisecond resolution
      n = epoll_wait(epfd, events, max, static_cast<int>((ns + 999999) / 1000000));
    }
    return n < 0 ? 0 : n;
  }

  Stream* Acquire(Lane* lane) {
    if (lane->free.empty()) {
      lane->pool.push_back(std::make_unique<Stream>());
      lane->free.push_back(lane->pool.back().get());
    }
    Stream* s = lane->free.back();
    lane->free.pop_back();
    s->state = Stream::State::kActive;
    s->serial = lane->next_serial++;
    s->sent = 0;
    s->id = 0;
    s->http_status = 0;
    s->grpc_status = -1;
    s->grpc_message.clear();
    s->body.clear();
    s->reset_code = 0;
    s->deadline_exceeded = false;
    s->local_code = -1;
    return s;
  }

  static void Fail(Stream* s, int code) {
    s->local_code = code;
    s->state = Stream::State::kFinished;
    s->conn->lane->finished.push_back(s);
  }

  void ExpireDeadlines(Lane* lane, SteadyClock::time_point now) {
    for (Connection* conn : lane->conns) {
      while (!conn->deadlines.empty()) {
        const Connection::Pending& p = conn->deadlines.front();
        if (p.stream->serial == p.serial && p.stream->state == Stream::State::kActive) {
          if (p.deadline > now) break;
          p.stream->deadline_exceeded = true;
          nghttp2_submit_rst_stream(conn->session, NGHTTP2_FLAG_NONE, p.stream->id, NGHTTP2_CANCEL);
        }
        conn->deadlines.pop_front();
      }
    }
  }

  // Sends what nghttp2 has queued and reports finished calls (whose
  // completions may start new calls) until nothing is left to do.
  void Settle(Lane* lane) {
    for (;;) {
      for (Connection* conn : lane->conns) Flush(conn);
      if (lane->finished.empty()) return;
      lane->reporting.swap(lane->finished);
      for (Stream* s : lane->reporting) Report(s);
      lane->reporting.clear();
    }
  }

  void Report(Stream* s) {
    int code = kOk;
    absl::string_view message = s->grpc_message;
    if (s->local_code >= 0) {
      code = s->local_code;
      message = "connection unusable (client side)";
    } else if (s->deadline_exceeded) {
      code = kDeadlineExceeded;
      message = "deadline exceeded (client side)";
    } else if (s->http_status == 0) {
      code = s->reset_code != NGHTTP2_NO_ERROR ? StatusFromReset(s->reset_code) : kUnknown;
      message = "stream closed without response headers";
    } else if (s->http_status != 200) {
      code = StatusFromHttp(s->http_status);
      message = "HTTP status is not 200";
    } else if (s->grpc_status < 0) {
      code = s->reset_code != NGHTTP2_NO_ERROR ? StatusFromReset(s->reset_code) : kUnknown;
      message = "stream closed without grpc-status";
    } else if (s->grpc_status != kOk) {
      code = s->grpc_status <= 16 ? s->grpc_status : kUnknown;
    } else {
      code = DecodeResponse(s->body, &message);
    }
    driver_->OnDone(s->slot, s->start, code, message);
    s->state = Stream::State::kFree;
    s->serial = 0;
    Lane* lane = s->conn->lane;
    lane->free.push_back(s);
  }

  // A unary response is exactly one uncompressed length-prefixed message.
  int DecodeResponse(absl::string_view body, absl::string_view* message) const {
    if (body.size() < 5) {
      *message = "no response message";
      return kInternal;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(body.data());
    const uint32_t length =
        (uint32_t{p[1]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 8) | uint32_t{p[4]};
    if (p[0] != 0) {
      *message = "compressed response (no compression was offered)";
      return kInternal;
    }
    if (body.size() - 5 != length) {
      *message = "bad response frame length";
      return kInternal;
    }
    if (!options_.method.parse_response(body.substr(5))) {
      *message = "cannot parse the response message";
      return kInternal;
    }
    return kOk;
  }

  // Fails every call on a connection that can no longer be used.
  void Break(Connection* conn) {
    if (conn->broken) return;
    conn->broken = true;
    epoll_ctl(conn->lane->epfd, EPOLL_CTL_DEL, conn->fd, nullptr);
    for (auto& s : conn->lane->pool) {
      if (s->conn == conn && s->state == Stream::State::kActive) Fail(s.get(), kUnavailable);
    }
    conn->deadlines.clear();
  }

  void Read(Connection* conn) {
    if (conn->broken) return;
    char buf[kReadBuffer];
    for (;;) {
      const ssize_t n = recv(conn->fd, buf, sizeof(buf), 0);
      if (n > 0) {
        const ssize_t used = nghttp2_session_mem_recv(
            conn->session, reinterpret_cast<const uint8_t*>(buf), static_cast<size_t>(n));
        if (used < 0) {
          Break(conn);
          return;
        }
        if (static_cast<size_t>(n) < sizeof(buf)) break;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      Break(conn);  // EOF or error
      return;
    }
    if (!nghttp2_session_want_read(conn->session) && !nghttp2_session_want_write(conn->session)) {
      Break(conn);  // GOAWAY handled and nothing left
    }
  }

  void Flush(Connection* conn) {
    if (conn->broken) return;
    for (;;) {
      const uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(conn->session, &data);
      if (n < 0) {
        Break(conn);
        return;
      }
      if (n == 0) break;
      conn->out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
    }
    WritePending(conn);
  }

  void WritePending(Connection* conn) {
    if (conn->broken) return;
    while (conn->out_pos < conn->out.size()) {
      const ssize_t n = send(conn->fd, conn->out.data() + conn->out_pos,
                             conn->out.size() - conn->out_pos, MSG_NOSIGNAL);
      if (n > 0) {
        conn->out_pos += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        SetEpollOut(conn, true);
        return;
      }
      Break(conn);
      return;
    }
    conn->out.clear();
    conn->out_pos = 0;
    SetEpollOut(conn, false);
  }

  static void SetEpollOut(Connection* conn, bool on) {
    if (conn->epollout == on) return;
    conn->epollout = on;
    epoll_event ev{};
    ev.events = on ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
    ev.data.ptr = conn;
    epoll_ctl(conn->lane->epfd, EPOLL_CTL_MOD, conn->fd, &ev);
  }

  // nghttp2 callbacks; user_data is the Connection.

  static ssize_t ReadBody(nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                          uint32_t* data_flags, nghttp2_data_source* source, void*) {
    auto* s = static_cast<Stream*>(source->ptr);
    const size_t total = sizeof(s->prefix) + s->request.size();
    size_t n = 0;
    while (n < length && s->sent < total) {
      if (s->sent < sizeof(s->prefix)) {
        const size_t k = std::min(length - n, sizeof(s->prefix) - s->sent);
        std::memcpy(buf + n, s->prefix + s->sent, k);
        n += k;
        s->sent += k;
      } else {
        const size_t offset = s->sent - sizeof(s->prefix);
        const size_t k = std::min(length - n, s->request.size() - offset);
        std::memcpy(buf + n, s->request.data() + offset, k);
        n += k;
        s->sent += k;
      }
    }
    if (s->sent == total) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto* conn = static_cast<Connection*>(user_data);
    if (frame->hd.type == NGHTTP2_SETTINGS && !(frame->hd.flags & NGHTTP2_FLAG_ACK)) {
      conn->settings_received = true;
    }
    return 0;
  }

  static int OnHeader(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                      void* user_data) {
    auto* conn = static_cast<Connection*>(user_data);
    if (conn->lane == nullptr || frame->hd.type != NGHTTP2_HEADERS) return 0;
    auto* s =
        static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
    if (s == nullptr) return 0;
    const absl::string_view n(reinterpret_cast<const char*>(name), namelen);
    const absl::string_view v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":status") {
      int status = 0;
      s->http_status = absl::SimpleAtoi(v, &status) ? status : -1;
    } else if (n == "grpc-status") {
      int status = 0;
      s->grpc_status = absl::SimpleAtoi(v, &status) && status >= 0 ? status : kUnknown;
    } else if (n == "grpc-message") {
      s->grpc_message = PercentDecode(v);
    }
    return 0;
  }

  static int OnDataChunk(nghttp2_session* session, uint8_t, int32_t stream_id, const uint8_t* data,
                         size_t len, void* user_data) {
    auto* conn = static_cast<Connection*>(user_data);
    if (conn->lane == nullptr) return 0;
    auto* s = static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, stream_id));
    if (s != nullptr) s->body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int OnStreamClose(nghttp2_session* session, int32_t stream_id, uint32_t error_code,
                           void* user_data) {
    auto* conn = static_cast<Connection*>(user_data);
    if (conn->lane == nullptr) return 0;
    auto* s = static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, stream_id));
    if (s == nullptr || s->state != Stream::State::kActive) return 0;
    s->reset_code = error_code;
    s->state = Stream::State::kFinished;
    conn->lane->finished.push_back(s);
    return 0;
  }

  const H2TransportOptions options_;
  const std::string authority_;
  const std::string timeout_;
  const std::string authorization_;
  std::vector<nghttp2_nv> headers_;
  nghttp2_session_callbacks* callbacks_ = nullptr;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::vector<std::unique_ptr<Connection>> conns_;
  PhaseDriver* driver_ = nullptr;
};

}  // namespace

absl::StatusOr<std::unique_ptr<LoadTransport>> ConnectH2Transport(
    const H2TransportOptions& options) {
  auto transport = std::make_unique<H2Transport>(options);
  if (absl::Status s = transport->Connect(); !s.ok()) return s;
  return std::unique_ptr<LoadTransport>(std::move(transport));
}

}  // namespace labor::bench

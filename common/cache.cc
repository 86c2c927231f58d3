#include "common/cache.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace labor {
namespace {

constexpr size_t kVersionDigits = 19;               // int64 max has 19 digits
constexpr size_t kHeaderSize = kVersionDigits + 2;  // "<version>|" + marker

// Shared by both scripts: parse(cur) -> version string and marker ('V'/'T'),
// or nil for an absent or foreign value; cmp(a, b) compares two 19-digit
// versions exactly (Lua numbers are doubles: compare in two exact halves).
#define LABOR_CACHE_LUA_PRELUDE                                                       \
  "local function parse(cur)\n"                                                       \
  "  if not cur or #cur < 21 or string.sub(cur, 20, 20) ~= '|' then\n"                \
  "    return nil end\n"                                                              \
  "  local v, m = string.sub(cur, 1, 19), string.sub(cur, 21, 21)\n"                  \
  "  if not string.match(v, '^%d+$') or (m ~= 'V' and m ~= 'T') then\n"               \
  "    return nil end\n"                                                              \
  "  return v, m\n"                                                                   \
  "end\n"                                                                             \
  "local function cmp(a, b)\n"                                                        \
  "  if a == b then return 0 end\n"                                                   \
  "  local ah, bh = tonumber(string.sub(a, 1, 10)), tonumber(string.sub(b, 1, 10))\n" \
  "  if ah ~= bh then if ah < bh then return -1 else return 1 end end\n"              \
  "  if tonumber(string.sub(a, 11)) < tonumber(string.sub(b, 11)) then\n"             \
  "    return -1 end\n"                                                               \
  "  return 1\n"                                                                      \
  "end\n"

// KEYS[1] key; ARGV[1] version; ARGV[2] payload; ARGV[3] ttl ms. 1 = stored.
constexpr absl::string_view kPutScript = LABOR_CACHE_LUA_PRELUDE
    "local cv, m = parse(redis.call('GET', KEYS[1]))\n"
    "if cv then\n"
    "  local c = cmp(cv, ARGV[1])\n"
    "  if c > 0 or (c == 0 and m == 'V') then return 0 end\n"
    "end\n"
    "redis.call('SET', KEYS[1], ARGV[1] .. '|V' .. ARGV[2], 'PX', ARGV[3])\n"
    "return 1\n";

// KEYS[1] key; ARGV[1] version; ARGV[2] ttl ms. 1 = tombstone set.
constexpr absl::string_view kInvalidateScript = LABOR_CACHE_LUA_PRELUDE
    "local cv = parse(redis.call('GET', KEYS[1]))\n"
    "if cv and cmp(cv, ARGV[1]) >= 0 then return 0 end\n"
    "redis.call('SET', KEYS[1], ARGV[1] .. '|T', 'PX', ARGV[2])\n"
    "return 1\n";

#undef LABOR_CACHE_LUA_PRELUDE

std::string PaddedVersion(int64_t version) {
  std::string digits = absl::StrCat(version);
  return std::string(kVersionDigits - std::min(kVersionDigits, digits.size()), '0') + digits;
}

bool ValidVersion(int64_t version) {
  return version >= 0 && version < VersionedCache::kErasedVersion;
}

}  // namespace

VersionedCache::VersionedCache(RedisClient* redis, std::string prefix, absl::Duration ttl)
    : redis_(redis), prefix_(std::move(prefix)), ttl_(std::max(ttl, absl::Milliseconds(1))) {
  LABOR_CHECK(redis_ != nullptr);
}

std::string VersionedCache::Key(absl::string_view id) const { return absl::StrCat(prefix_, id); }

bool VersionedCache::Run(const std::vector<std::string>& command) {
  absl::StatusOr<RedisReply> reply = redis_->Command(command);
  if (!reply.ok() || reply->is_error()) {
    ++errors_;
    if (reply.ok()) LABOR_LOG(Debug) << "cache " << prefix_ << ": " << reply->str;
    return false;
  }
  return true;
}

std::optional<std::string> VersionedCache::Get(absl::string_view id) {
  absl::StatusOr<RedisReply> reply = redis_->Command({"GET", Key(id)});
  if (!reply.ok() || reply->is_error()) {
    ++errors_;
    ++misses_;
    return std::nullopt;
  }
  if (reply->is_nil()) {
    ++misses_;
    return std::nullopt;
  }
  const std::string& value = reply->str;
  const bool well_formed =
      reply->type == RedisReply::Type::kString && value.size() >= kHeaderSize &&
      value[kVersionDigits] == '|' &&
      std::all_of(value.begin(), value.begin() + kVersionDigits, absl::ascii_isdigit);
  if (!well_formed) {
    ++errors_;
    ++misses_;
    return std::nullopt;
  }
  if (value[kVersionDigits + 1] == 'V') {
    ++hits_;
    return value.substr(kHeaderSize);
  }
  if (value[kVersionDigits + 1] != 'T') ++errors_;
  ++misses_;
  return std::nullopt;
}

void VersionedCache::Put(absl::string_view id, int64_t version, absl::string_view value) {
  if (!ValidVersion(version)) {
    ++errors_;
    return;
  }
  if (Run({"EVAL", std::string(kPutScript), "1", Key(id), PaddedVersion(version),
           std::string(value), absl::StrCat(absl::ToInt64Milliseconds(ttl_))})) {
    Confirm(id, version);
  }
}

void VersionedCache::InvalidateMany(const std::vector<std::pair<std::string, int64_t>>& versions) {
  std::vector<std::vector<std::string>> commands;
  std::vector<const std::pair<std::string, int64_t>*> sent;  // per command
  for (const auto& entry : versions) {
    if (!ValidVersion(entry.second) && entry.second != kErasedVersion) {
      ++errors_;
      continue;
    }
    commands.push_back(InvalidateCommand(entry.first, entry.second));
    sent.push_back(&entry);
  }
  if (commands.empty()) return;
  absl::StatusOr<std::vector<RedisReply>> replies = redis_->Pipeline(commands);
  if (!replies.ok()) {
    errors_ += static_cast<int64_t>(commands.size());
    return;
  }
  for (size_t i = 0; i < replies->size(); ++i) {
    if ((*replies)[i].is_error()) {
      ++errors_;
      LABOR_LOG(Debug) << "cache " << prefix_ << ": " << (*replies)[i].str;
    } else {
      Confirm(sent[i]->first, sent[i]->second);
    }
  }
}

void VersionedCache::Confirm(absl::string_view id, int64_t version) {
  absl::MutexLock lock(&confirmed_mu_);
  if (confirmed_.size() >= kMaxConfirmed) confirmed_.clear();
  int64_t& known = confirmed_[id];
  known = std::max(known, version);
}

bool VersionedCache::AppendInvalidation(absl::string_view id, int64_t version,
                                        std::vector<std::vector<std::string>>* commands) {
  {
    absl::MutexLock lock(&confirmed_mu_);
    if (auto it = confirmed_.find(id); it != confirmed_.end() && it->second >= version) {
      return false;
    }
  }
  commands->push_back(InvalidateCommand(id, version));
  return true;
}

void VersionedCache::Invalidate(absl::string_view id, int64_t version) {
  InvalidateMany({{std::string(id), version}});
}

void VersionedCache::Erase(absl::string_view id) {
  Run({"SET", Key(id), absl::StrCat(PaddedVersion(kErasedVersion), "|T"), "PX",
       absl::StrCat(absl::ToInt64Milliseconds(ttl_))});
}

std::vector<std::string> VersionedCache::InvalidateCommand(absl::string_view id,
                                                           int64_t version) const {
  // kErasedVersion gives the erased tombstone (an erasure event relayed);
  // a negative version clamps to 0, a harmless no-op.
  version = std::max<int64_t>(version, 0);
  return {"EVAL",  std::string(kInvalidateScript), "1",
          Key(id), PaddedVersion(version),         absl::StrCat(absl::ToInt64Milliseconds(ttl_))};
}

}  // namespace labor

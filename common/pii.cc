#include "common/pii.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "common/status.h"

namespace labor {
namespace {

constexpr unsigned char kSealVersion = 0x01;
constexpr size_t kKeySize = 32;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

constexpr absl::string_view kKeyFileComment =
    "# DEV/FIRST-RUN key for PII encryption. Losing it makes stored ID numbers unreadable; "
    "back it up separately from the data.";

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Wipes a string holding key material before it is freed.
void Cleanse(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict hex decoding (absl::HexStringToBytes of this Abseil does not reject
// bad digits). False on odd length or a non-hex character.
bool DecodeHex(absl::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->assign(hex.size() / 2, '\0');
  for (size_t i = 0; i < out->size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      Cleanse(*out);
      return false;
    }
    (*out)[i] = static_cast<char>((hi << 4) | lo);
  }
  return true;
}

std::string ErrnoText(int err) { return std::strerror(err); }

// RAND_bytes costs about the same for 12 bytes as for 512 (the DRBG's
// locking and bookkeeping), and nonces and ids want a few bytes at a time:
// each thread takes them from its own block of DRBG output. A forked child
// must not hand out its parent's bytes again, hence the fork generation.
std::atomic<uint64_t> fork_generation{0};

void FillRandom(unsigned char* out, size_t n) {
  constexpr size_t kBlock = 512;
  if (n > kBlock / 4) {
    LABOR_CHECK(n <= INT_MAX && RAND_bytes(out, static_cast<int>(n)) == 1) << "RAND_bytes failed";
    return;
  }
  static const bool registered = [] {
    return pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); }) == 0;
  }();
  LABOR_CHECK(registered) << "pthread_atfork failed";
  struct Block {
    unsigned char bytes[kBlock];
    size_t used = kBlock;
    uint64_t generation = 0;
  };
  thread_local Block block;
  const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
  if (block.used + n > kBlock || block.generation != generation) {
    LABOR_CHECK(RAND_bytes(block.bytes, kBlock) == 1) << "RAND_bytes failed";
    block.used = 0;
    block.generation = generation;
  }
  std::memcpy(out, block.bytes + block.used, n);
  OPENSSL_cleanse(block.bytes + block.used, n);  // handed out once, then gone
  block.used += n;
}

// Creates `dir` and its missing ancestors with mode 0700 (mkdir -p).
absl::Status MakeDirs(const std::string& dir) {
  if (dir.empty()) return absl::OkStatus();
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(dir, " exists and is not a directory"));
  }
  size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) RETURN_IF_ERROR(MakeDirs(dir.substr(0, slash)));
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    int err = errno;
    return absl::PermissionDeniedError(absl::StrCat("cannot create ", dir, ": ", ErrnoText(err)));
  }
  return absl::OkStatus();
}

absl::Status WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat("write failed: ", ErrnoText(errno)));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Writes a fresh key file. The key is first written and fsynced under a
// temporary name, then published with link(), which (unlike rename) fails
// when `path` exists: two processes starting together must not each keep a
// different key, one of them silently overwritten. Returns ALREADY_EXISTS
// when another process won; the caller then loads that file.
absl::Status CreateKeyFile(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  if (slash == 0) dir = "/";
  RETURN_IF_ERROR(MakeDirs(dir));

  std::string raw(2 * kKeySize, '\0');
  LABOR_CHECK(
      RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) == 1)
      << "RAND_bytes failed";
  std::string hex = absl::BytesToHexString(raw);
  Cleanse(raw);
  std::string contents = absl::StrCat(kKeyFileComment, "\n", hex, "\n");
  Cleanse(hex);

  std::string tmpl = absl::StrCat(path, ".tmp.XXXXXX");
  std::vector<char> tmp_path(tmpl.begin(), tmpl.end());
  tmp_path.push_back('\0');
  int fd = mkostemp(tmp_path.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) {
    int err = errno;
    Cleanse(contents);
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create a key file next to ", path, ": ", ErrnoText(err)));
  }
  absl::Status status = WriteAll(fd, contents);
  Cleanse(contents);
  if (status.ok() && fchmod(fd, 0600) != 0) {
    status = absl::UnavailableError(absl::StrCat("fchmod failed: ", ErrnoText(errno)));
  }
  if (status.ok() && fsync(fd) != 0) {
    status = absl::UnavailableError(absl::StrCat("fsync failed: ", ErrnoText(errno)));
  }
  close(fd);
  if (status.ok() && link(tmp_path.data(), path.c_str()) != 0) {
    int err = errno;
    status = err == EEXIST ? absl::AlreadyExistsError(path)
                           : absl::UnavailableError(absl::StrCat("cannot publish key file ", path,
                                                                 ": ", ErrnoText(err)));
  }
  unlink(tmp_path.data());
  RETURN_IF_ERROR(status);
  // Make the new directory entry durable: a key lost in a crash right after
  // first use would make every ciphertext written with it unreadable.
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  LABOR_LOG(WARNING) << "created a new PII key file " << path
                     << "; back it up separately from the data";
  return absl::OkStatus();
}

// Reads the key file. NOT_FOUND when missing.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return absl::NotFoundError(absl::StrCat("key file ", path, " not found"));
    if (err == EACCES || err == EPERM) {
      return absl::PermissionDeniedError(absl::StrCat("cannot read key file ", path));
    }
    return absl::UnavailableError(
        absl::StrCat("cannot open key file ", path, ": ", ErrnoText(err)));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::DataLossError(absl::StrCat("key file ", path, " is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    return absl::PermissionDeniedError(absl::StrCat(
        "key file ", path, " is accessible by group or others; run: chmod 600 ", path));
  }
  std::string contents;
  char buf[4096];
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      Cleanse(contents);
      OPENSSL_cleanse(buf, sizeof(buf));
      return absl::UnavailableError(absl::StrCat("read ", path, ": ", ErrnoText(err)));
    }
    if (n == 0) break;
    contents.append(buf, static_cast<size_t>(n));
    if (contents.size() > 64 * 1024) break;  // a key file is tiny; refuse garbage below
  }
  OPENSSL_cleanse(buf, sizeof(buf));
  close(fd);
  return contents;
}

// Extracts the 64 key bytes. Errors never quote the file's contents.
absl::StatusOr<std::string> ParseKeyFile(const std::string& path, absl::string_view contents) {
  std::string key_hex;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    if (!key_hex.empty()) {
      Cleanse(key_hex);
      return absl::DataLossError(
          absl::StrCat("key file ", path, " line ", line_no, ": more than one key line"));
    }
    if (line.size() != 4 * kKeySize) {
      return absl::DataLossError(absl::StrCat("key file ", path, " line ", line_no, ": expected ",
                                              4 * kKeySize, " hex characters, found ",
                                              line.size()));
    }
    key_hex.assign(line.data(), line.size());
  }
  if (key_hex.empty()) {
    return absl::DataLossError(absl::StrCat("key file ", path, " holds no key"));
  }
  std::string raw;
  bool ok = DecodeHex(key_hex, &raw);
  Cleanse(key_hex);
  if (!ok) {
    return absl::DataLossError(absl::StrCat("key file ", path, ": key is not hex"));
  }
  return raw;
}

// Length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF), or 0 when malformed.
size_t Utf8SequenceLength(absl::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < len || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

// Splits `s` into UTF-8 characters. A malformed byte becomes an empty view
// standing for one character, so masking never fails, always masks it, and
// never emits a broken sequence.
std::vector<absl::string_view> CodePoints(absl::string_view s) {
  std::vector<absl::string_view> out;
  while (!s.empty()) {
    size_t len = Utf8SequenceLength(s);
    out.push_back(len == 0 ? absl::string_view() : s.substr(0, len));
    s.remove_prefix(len == 0 ? 1 : len);
  }
  return out;
}

// Keeps `front` leading and `back` trailing characters and replaces the rest
// with '*'; masks everything when `s` has fewer than `min_chars` characters.
std::string MaskMiddle(absl::string_view s, size_t front, size_t back, size_t min_chars) {
  std::vector<absl::string_view> chars = CodePoints(s);
  std::string out;
  out.reserve(s.size());
  bool whole = chars.size() < min_chars || chars.size() <= front + back;
  for (size_t i = 0; i < chars.size(); ++i) {
    bool keep = !whole && !chars[i].empty() && (i < front || i >= chars.size() - back);
    if (keep) {
      out.append(chars[i].data(), chars[i].size());
    } else {
      out.push_back('*');
    }
  }
  return out;
}

}  // namespace

PiiCipher::PiiCipher(std::string encryption_key, std::string mac_key)
    : encryption_key_(std::move(encryption_key)), mac_key_(std::move(mac_key)) {
  // HMAC (RFC 2104) with a key shorter than SHA-256's 64-byte block.
  constexpr size_t kBlock = 64;
  LABOR_CHECK(mac_key_.size() <= kBlock);
  unsigned char ipad[kBlock], opad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    unsigned char k = i < mac_key_.size() ? static_cast<unsigned char>(mac_key_[i]) : 0;
    ipad[i] = k ^ 0x36;
    opad[i] = k ^ 0x5c;
  }
  hmac_inner_ = EVP_MD_CTX_new();
  hmac_outer_ = EVP_MD_CTX_new();
  LABOR_CHECK(hmac_inner_ != nullptr && hmac_outer_ != nullptr);
  LABOR_CHECK(EVP_DigestInit_ex(hmac_inner_, EVP_sha256(), nullptr) == 1 &&
              EVP_DigestUpdate(hmac_inner_, ipad, kBlock) == 1 &&
              EVP_DigestInit_ex(hmac_outer_, EVP_sha256(), nullptr) == 1 &&
              EVP_DigestUpdate(hmac_outer_, opad, kBlock) == 1)
      << "HMAC-SHA256 setup failed";
  OPENSSL_cleanse(ipad, kBlock);
  OPENSSL_cleanse(opad, kBlock);
}

PiiCipher::~PiiCipher() {
  Cleanse(encryption_key_);
  Cleanse(mac_key_);
  EVP_MD_CTX_free(hmac_inner_);  // frees (and clears) the keyed states
  EVP_MD_CTX_free(hmac_outer_);
  absl::MutexLock lock(&contexts_mu_);
  for (auto* ctx : encrypt_contexts_) EVP_CIPHER_CTX_free(ctx);
  for (auto* ctx : decrypt_contexts_) EVP_CIPHER_CTX_free(ctx);
}

EVP_CIPHER_CTX* PiiCipher::TakeContext(bool encrypt) const {
  {
    absl::MutexLock lock(&contexts_mu_);
    auto& pool = encrypt ? encrypt_contexts_ : decrypt_contexts_;
    if (!pool.empty()) {
      EVP_CIPHER_CTX* ctx = pool.back();
      pool.pop_back();
      return ctx;
    }
  }
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return nullptr;
  // Keyed now; each use sets only its nonce.
  const int ok =
      encrypt
          ? EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, Bytes(encryption_key_), nullptr)
          : EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, Bytes(encryption_key_), nullptr);
  if (ok != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

void PiiCipher::ReturnContext(bool encrypt, EVP_CIPHER_CTX* ctx) const {
  // Enough for every thread of a service; more would only hold memory.
  constexpr size_t kMaxPooled = 64;
  absl::MutexLock lock(&contexts_mu_);
  auto& pool = encrypt ? encrypt_contexts_ : decrypt_contexts_;
  if (pool.size() < kMaxPooled) {
    pool.push_back(ctx);
  } else {
    EVP_CIPHER_CTX_free(ctx);
  }
}

std::unique_ptr<PiiCipher> PiiCipher::FromKeys(std::string encryption_key, std::string mac_key) {
  LABOR_CHECK(encryption_key.size() == kKeySize) << "encryption key must be 32 bytes";
  LABOR_CHECK(mac_key.size() == kKeySize) << "MAC key must be 32 bytes";
  return std::unique_ptr<PiiCipher>(new PiiCipher(std::move(encryption_key), std::move(mac_key)));
}

absl::StatusOr<std::unique_ptr<PiiCipher>> PiiCipher::LoadKeyFile(const std::string& path,
                                                                  bool create_if_missing) {
  absl::StatusOr<std::string> contents = ReadKeyFile(path);
  if (absl::IsNotFound(contents.status()) && create_if_missing) {
    absl::Status created = CreateKeyFile(path);
    if (!created.ok() && !absl::IsAlreadyExists(created)) return created;
    contents = ReadKeyFile(path);
  }
  RETURN_IF_ERROR(contents.status());
  absl::StatusOr<std::string> raw = ParseKeyFile(path, *contents);
  Cleanse(*contents);
  RETURN_IF_ERROR(raw.status());
  std::string encryption_key = raw->substr(0, kKeySize);
  std::string mac_key = raw->substr(kKeySize);
  Cleanse(*raw);
  return FromKeys(std::move(encryption_key), std::move(mac_key));
}

absl::StatusOr<std::string> PiiCipher::Encrypt(absl::string_view plaintext,
                                               absl::string_view associated_data) const {
  if (plaintext.size() > INT_MAX / 2 || associated_data.size() > INT_MAX / 2) {
    return absl::InvalidArgumentError("value too large to encrypt");
  }
  std::string out(1 + kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  p[0] = kSealVersion;
  unsigned char* nonce = p + 1;
  unsigned char* body = nonce + kNonceSize;
  FillRandom(nonce, kNonceSize);

  // A context that fails midway is freed, never pooled.
  CipherCtx ctx(TakeContext(/*encrypt=*/true));
  if (ctx == nullptr) return absl::ResourceExhaustedError("AES-GCM context setup failed");
  int len = 0;
  // The default GCM IV length is 12 bytes, which kNonceSize matches.
  if (EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, nonce) != 1 ||
      (!associated_data.empty() &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                         static_cast<int>(associated_data.size())) != 1) ||
      (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), body, &len, Bytes(plaintext),
                                               static_cast<int>(plaintext.size())) != 1) ||
      EVP_EncryptFinal_ex(ctx.get(), body + plaintext.size(), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, body + plaintext.size()) !=
          1) {
    return absl::InternalError("AES-GCM encryption failed");
  }
  ReturnContext(/*encrypt=*/true, ctx.release());
  return out;
}

absl::StatusOr<std::string> PiiCipher::Decrypt(absl::string_view sealed,
                                               absl::string_view associated_data) const {
  if (sealed.size() < 1 + kNonceSize + kTagSize) {
    return absl::DataLossError("sealed value too short");
  }
  if (static_cast<unsigned char>(sealed[0]) != kSealVersion) {
    return absl::DataLossError("unknown sealed value version");
  }
  if (sealed.size() > INT_MAX / 2 || associated_data.size() > INT_MAX / 2) {
    return absl::DataLossError("sealed value too large");
  }
  const unsigned char* nonce = Bytes(sealed) + 1;
  const unsigned char* body = nonce + kNonceSize;
  size_t body_size = sealed.size() - 1 - kNonceSize - kTagSize;
  // EVP_CTRL_GCM_SET_TAG takes a non-const pointer; copy the tag.
  unsigned char tag[kTagSize];
  std::memcpy(tag, body + body_size, kTagSize);

  std::string plaintext(body_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  CipherCtx ctx(TakeContext(/*encrypt=*/false));
  if (ctx == nullptr) return absl::ResourceExhaustedError("AES-GCM context setup failed");
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, nonce) != 1 ||
      (!associated_data.empty() &&
       EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(associated_data),
                         static_cast<int>(associated_data.size())) != 1) ||
      (body_size > 0 &&
       EVP_DecryptUpdate(ctx.get(), out, &len, body, static_cast<int>(body_size)) != 1) ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) != 1) {
    Cleanse(plaintext);
    return absl::DataLossError("AES-GCM decryption failed");
  }
  // Only after Final succeeds is the plaintext authentic; drop it otherwise.
  if (EVP_DecryptFinal_ex(ctx.get(), out + body_size, &len) != 1) {
    Cleanse(plaintext);
    return absl::DataLossError("sealed value failed authentication (wrong key or record?)");
  }
  ReturnContext(/*encrypt=*/false, ctx.release());
  return plaintext;
}

std::string PiiCipher::BlindIndex(absl::string_view domain, absl::string_view value) const {
  // A NUL inside the domain would make domain/value boundaries ambiguous.
  LABOR_CHECK(domain.find('\0') == absl::string_view::npos) << "domain must not contain NUL";
  std::string message = absl::StrCat(domain, absl::string_view("\0", 1), value);
  unsigned char inner[EVP_MAX_MD_SIZE];
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int inner_len = 0;
  unsigned int mac_len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  LABOR_CHECK(ctx != nullptr);
  bool ok = EVP_MD_CTX_copy_ex(ctx, hmac_inner_) == 1 &&
            EVP_DigestUpdate(ctx, message.data(), message.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, inner, &inner_len) == 1 &&
            EVP_MD_CTX_copy_ex(ctx, hmac_outer_) == 1 &&
            EVP_DigestUpdate(ctx, inner, inner_len) == 1 &&
            EVP_DigestFinal_ex(ctx, mac, &mac_len) == 1;
  EVP_MD_CTX_free(ctx);
  Cleanse(message);
  OPENSSL_cleanse(inner, sizeof(inner));
  LABOR_CHECK(ok && mac_len == 32) << "HMAC-SHA256 failed";
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

std::string MaskIdNumber(absl::string_view id_number) { return MaskMiddle(id_number, 6, 4, 11); }

std::string MaskPhone(absl::string_view phone) { return MaskMiddle(phone, 3, 4, 11); }

std::string MaskName(absl::string_view name) { return MaskMiddle(name, 1, 0, 2); }

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  LABOR_CHECK(EVP_Digest(data.data(), data.size(), digest, &digest_len, EVP_sha256(), nullptr) == 1)
      << "SHA-256 failed";
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_len));
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (bytes > 0) {
    LABOR_CHECK(bytes <= INT_MAX) << "RandomHex size too large";
    FillRandom(reinterpret_cast<unsigned char*>(raw.data()), bytes);
  }
  std::string hex = absl::BytesToHexString(raw);
  Cleanse(raw);
  return hex;
}

}  // namespace labor

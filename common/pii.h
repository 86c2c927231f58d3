// Protection of personal information (PIPL): encryption at rest, blind
// indexes for lookup, masking on output. Nothing here logs a value.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

// OpenSSL's EVP_MD_CTX, without including OpenSSL here.
struct evp_md_ctx_st;
struct evp_cipher_ctx_st;

namespace labor {

// AES-256-GCM for values at rest and HMAC-SHA256 blind indexes for lookups,
// with independent keys. Thread-safe (stateless per call).
class PiiCipher {
 public:
  // Reads the key file ('#' comment lines, then one line with the hex of 64
  // random bytes: 32 encryption + 32 HMAC). When the file is missing and
  // `create_if_missing`, writes a new one atomically with mode 0600 (first
  // run; missing parent directories are created with mode 0700). A file
  // another process created meanwhile is loaded, never overwritten.
  // NOT_FOUND (missing), DATA_LOSS (malformed), PERMISSION_DENIED (unreadable
  // or with any group/other permission bit set).
  static absl::StatusOr<std::unique_ptr<PiiCipher>> LoadKeyFile(const std::string& path,
                                                                bool create_if_missing);
  // Keys must be 32 bytes each (LABOR_CHECK).
  static std::unique_ptr<PiiCipher> FromKeys(std::string encryption_key, std::string mac_key);
  ~PiiCipher();  // wipes the keys from memory
  PiiCipher(const PiiCipher&) = delete;
  PiiCipher& operator=(const PiiCipher&) = delete;

  // Seals `plaintext` bound to `associated_data` (e.g. the worker id, so a
  // ciphertext cannot be moved to another record). Output: 1 version byte,
  // 12-byte random nonce, ciphertext, 16-byte tag.
  absl::StatusOr<std::string> Encrypt(absl::string_view plaintext,
                                      absl::string_view associated_data) const;
  // DATA_LOSS when the ciphertext is malformed or fails authentication.
  absl::StatusOr<std::string> Decrypt(absl::string_view sealed,
                                      absl::string_view associated_data) const;
  // Keyed hash for equality lookups: hex HMAC-SHA256 over domain + '\0' + value.
  // Different domains ("id_number", "phone") give unrelated indexes.
  std::string BlindIndex(absl::string_view domain, absl::string_view value) const;

 private:
  PiiCipher(std::string encryption_key, std::string mac_key);
  std::string encryption_key_;
  std::string mac_key_;
  // SHA-256 states after absorbing the HMAC key XOR ipad / opad: copying
  // them per call skips OpenSSL 3's per-call algorithm fetch in HMAC().
  evp_md_ctx_st* hmac_inner_ = nullptr;
  evp_md_ctx_st* hmac_outer_ = nullptr;
  // AES-256-GCM contexts already keyed with encryption_key_ (the key
  // schedule is most of a fresh context's cost), reused with a new nonce per
  // call. Freed (and so cleared) with the cipher.
  evp_cipher_ctx_st* TakeContext(bool encrypt) const;
  void ReturnContext(bool encrypt, evp_cipher_ctx_st* ctx) const;
  mutable absl::Mutex contexts_mu_;
  mutable std::vector<evp_cipher_ctx_st*> encrypt_contexts_ ABSL_GUARDED_BY(contexts_mu_);
  mutable std::vector<evp_cipher_ctx_st*> decrypt_contexts_ ABSL_GUARDED_BY(contexts_mu_);
};

// Masking counts UTF-8 code points (one '*' each), so output is always valid
// UTF-8 and keeps the input's length in characters.
//
// "511702********123X": the first 6 and the last 4 kept (the national masking
// practice for ID numbers). Input shorter than 11 characters is masked whole.
std::string MaskIdNumber(absl::string_view id_number);
// "138****5678": the first 3 and the last 4 kept. Input shorter than 11
// characters is masked whole.
std::string MaskPhone(absl::string_view phone);
// Keeps the first character (the family name): "张三丰" -> "张**"; a
// one-character name becomes "*".
std::string MaskName(absl::string_view name);

// Lowercase hex SHA-256.
std::string Sha256Hex(absl::string_view data);
// `bytes` bytes from the OS CSPRNG, hex-encoded (LABOR_CHECK on RNG failure).
std::string RandomHex(size_t bytes);

}  // namespace labor

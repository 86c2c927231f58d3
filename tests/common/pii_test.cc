#include "common/pii.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using ::labor::testing::ReadFileOrEmpty;
using ::labor::testing::TempDir;
using ::labor::testing::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;

// Fixed keys: 0x00..0x1f for encryption, 0x20..0x3f for the MAC.
std::string Bytes(int first, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>(first + i));
  return out;
}
std::string EncKey() { return Bytes(0x00, 32); }
std::string MacKey() { return Bytes(0x20, 32); }
std::unique_ptr<PiiCipher> TestCipher() { return PiiCipher::FromKeys(EncKey(), MacKey()); }

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

absl::Status WriteKeyFile(const std::string& path, const std::string& contents,
                          mode_t mode = 0600) {
  absl::Status status = WriteFile(path, contents);
  if (status.ok()) chmod(path.c_str(), mode);
  return status;
}

TEST(PiiCipherTest, RoundTripsValuesOfAllShapes) {
  auto cipher = TestCipher();
  const std::vector<std::string> values = {
      "", "5", "511702199001011234", "张三丰", std::string(1000, 'x'), std::string("a\0b", 3)};
  for (const std::string& value : values) {
    for (absl::string_view aad : {"", "worker-42"}) {
      auto sealed = cipher->Encrypt(value, aad);
      ASSERT_TRUE(sealed.ok()) << sealed.status();
      ASSERT_EQ(sealed->size(), 1 + 12 + value.size() + 16);
      EXPECT_EQ(static_cast<unsigned char>((*sealed)[0]), 0x01);
      if (value.size() >= 8) {
        EXPECT_THAT(*sealed, Not(HasSubstr(value)));
      }
      auto opened = cipher->Decrypt(*sealed, aad);
      ASSERT_TRUE(opened.ok()) << opened.status();
      EXPECT_EQ(*opened, value);
    }
  }
}

// NIST GCM specification, test case 16 (AES-256, 60-byte plaintext, AAD):
// proves the format is standard AES-256-GCM with the AAD bound, not just
// something that round-trips with itself.
TEST(PiiCipherTest, DecryptsKnownAnswerVector) {
  std::string key, nonce, plaintext, aad, ciphertext, tag;
  key = absl::HexStringToBytes("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  nonce = absl::HexStringToBytes("cafebabefacedbaddecaf888");
  plaintext = absl::HexStringToBytes(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
      "49a6b525b16aedf5aa0de657ba637b39");
  aad = absl::HexStringToBytes("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  ciphertext = absl::HexStringToBytes(
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
      "56828838c5f61e6393ba7a0abcc9f662");
  tag = absl::HexStringToBytes("76fc6ece0f4e1768cddf8853bb2d551b");
  auto cipher = PiiCipher::FromKeys(key, MacKey());
  std::string sealed = absl::StrCat(std::string(1, '\x01'), nonce, ciphertext, tag);
  auto opened = cipher->Decrypt(sealed, aad);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, plaintext);
}

TEST(PiiCipherTest, AssociatedDataMismatchIsDataLoss) {
  auto cipher = TestCipher();
  auto sealed = cipher->Encrypt("511702199001011234", "worker-1");
  ASSERT_TRUE(sealed.ok());
  for (absl::string_view other : {"worker-2", "", "worker-1 "}) {
    auto opened = cipher->Decrypt(*sealed, other);
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss) << other;
  }
}

TEST(PiiCipherTest, EveryTamperedByteIsDetected) {
  auto cipher = TestCipher();
  auto sealed = cipher->Encrypt("13812345678", "worker-1");
  ASSERT_TRUE(sealed.ok());
  for (size_t i = 0; i < sealed->size(); ++i) {
    std::string tampered = *sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    auto opened = cipher->Decrypt(tampered, "worker-1");
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss) << "byte " << i;
  }
}

TEST(PiiCipherTest, MalformedOrForeignCiphertextIsDataLoss) {
  auto cipher = TestCipher();
  auto sealed = cipher->Encrypt("13812345678", "w");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(cipher->Decrypt("", "w").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher->Decrypt(sealed->substr(0, 28), "w").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher->Decrypt(sealed->substr(0, sealed->size() - 1), "w").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher->Decrypt(absl::StrCat(*sealed, "x"), "w").status().code(),
            absl::StatusCode::kDataLoss);
  // Same MAC key, different encryption key: the value cannot be opened.
  auto other = PiiCipher::FromKeys(Bytes(0x40, 32), MacKey());
  EXPECT_EQ(other->Decrypt(*sealed, "w").status().code(), absl::StatusCode::kDataLoss);
}

TEST(PiiCipherTest, EncryptionsUseFreshNonces) {
  auto cipher = TestCipher();
  auto a = cipher->Encrypt("511702199001011234", "w");
  auto b = cipher->Encrypt("511702199001011234", "w");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_NE(a->substr(1, 12), b->substr(1, 12));
  EXPECT_EQ(*cipher->Decrypt(*a, "w"), *cipher->Decrypt(*b, "w"));
}

// Contexts are keyed once and reused: a failed decryption must not leave a
// context behind that breaks later calls, and concurrent callers with two
// different keys must each get their own key.
TEST(PiiCipherTest, ReusedContextsStayCorrectAfterFailuresAndAcrossThreads) {
  auto cipher = TestCipher();
  auto other = PiiCipher::FromKeys(Bytes(0x40, 32), MacKey());
  auto sealed = cipher->Encrypt("13812345678", "w");
  ASSERT_TRUE(sealed.ok());
  std::string tampered = *sealed;
  tampered.back() = static_cast<char>(tampered.back() ^ 0x01);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cipher->Decrypt(tampered, "w").status().code(), absl::StatusCode::kDataLoss);
    auto opened = cipher->Decrypt(*sealed, "w");
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, "13812345678");
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      PiiCipher* mine = t % 2 == 0 ? cipher.get() : other.get();
      PiiCipher* theirs = t % 2 == 0 ? other.get() : cipher.get();
      for (int i = 0; i < 300; ++i) {
        const std::string value = absl::StrCat("value-", t, "-", i);
        auto s = mine->Encrypt(value, "ad");
        if (!s.ok() || mine->Decrypt(*s, "ad").value_or("") != value ||
            theirs->Decrypt(*s, "ad").ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(PiiCipherTest, BlindIndexIsKeyedDeterministicAndDomainSeparated) {
  auto cipher = TestCipher();
  std::string index = cipher->BlindIndex("id_number", "511702199001011234");
  // HMAC-SHA256(key 0x20..0x3f, "id_number\0511702199001011234"), from Python's hmac.
  EXPECT_EQ(index, "a89adef74fe005c19ea48b17ce40d450fd2e2a8f07f7c7f0bdef9a3e22830787");
  EXPECT_EQ(cipher->BlindIndex("id_number", "511702199001011234"), index);
  EXPECT_NE(cipher->BlindIndex("phone", "511702199001011234"), index);
  EXPECT_NE(cipher->BlindIndex("id_number", "51170219900101123X"), index);
  // The separator keeps domain and value apart.
  EXPECT_NE(cipher->BlindIndex("ab", "c"), cipher->BlindIndex("a", "bc"));
  // Depends on the MAC key only.
  EXPECT_NE(
      PiiCipher::FromKeys(EncKey(), Bytes(0x60, 32))->BlindIndex("id_number", "511702199001011234"),
      index);
  EXPECT_EQ(
      PiiCipher::FromKeys(Bytes(0x60, 32), MacKey())->BlindIndex("id_number", "511702199001011234"),
      index);
}

TEST(PiiKeyFileTest, CreatesPrivateKeyFileAndLoadsItBack) {
  TempDir dir;
  std::string key_dir = dir.Sub("secrets/pii");
  std::string path = key_dir + "/pii.key";
  auto created = PiiCipher::LoadKeyFile(path, /*create_if_missing=*/true);
  ASSERT_TRUE(created.ok()) << created.status();

  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ModeOf(key_dir), 0700u);
  EXPECT_EQ(ModeOf(dir.Sub("secrets")), 0700u);
  std::string contents = ReadFileOrEmpty(path);
  std::vector<std::string> lines = absl::StrSplit(contents, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "# DEV/FIRST-RUN key for PII encryption. Losing it makes stored ID numbers "
            "unreadable; back it up separately from the data.");
  EXPECT_EQ(lines[1].size(), 128u);
  EXPECT_EQ(lines[1].find_first_not_of("0123456789abcdef"), std::string::npos);
  // No temporary file is left behind.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(key_dir)) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);

  // A second load (with or without create) reads the same keys.
  for (bool create : {false, true}) {
    auto loaded = PiiCipher::LoadKeyFile(path, create);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    auto sealed = (*created)->Encrypt("511702199001011234", "w");
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(*(*loaded)->Decrypt(*sealed, "w"), "511702199001011234");
    EXPECT_EQ((*loaded)->BlindIndex("phone", "13812345678"),
              (*created)->BlindIndex("phone", "13812345678"));
  }
  EXPECT_EQ(ReadFileOrEmpty(path), contents);
}

TEST(PiiKeyFileTest, SplitsKeyIntoEncryptionThenMacHalves) {
  TempDir dir;
  std::string path = dir.Sub("pii.key");
  ASSERT_TRUE(WriteKeyFile(path, absl::StrCat("# comment\n\n# another\n",
                                              absl::BytesToHexString(EncKey() + MacKey()), "\n"))
                  .ok());
  auto loaded = PiiCipher::LoadKeyFile(path, false);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  auto reference = TestCipher();
  EXPECT_EQ((*loaded)->BlindIndex("id_number", "x"), reference->BlindIndex("id_number", "x"));
  auto sealed = reference->Encrypt("x", "w");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(*(*loaded)->Decrypt(*sealed, "w"), "x");

  // Uppercase hex and a missing final newline are accepted too.
  ASSERT_TRUE(
      WriteKeyFile(path, absl::AsciiStrToUpper(absl::BytesToHexString(EncKey() + MacKey()))).ok());
  loaded = PiiCipher::LoadKeyFile(path, false);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->BlindIndex("id_number", "x"), reference->BlindIndex("id_number", "x"));
}

TEST(PiiKeyFileTest, MissingFileIsNotFoundWithoutCreate) {
  TempDir dir;
  auto loaded = PiiCipher::LoadKeyFile(dir.Sub("nope.key"), false);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("nope.key")));
}

TEST(PiiKeyFileTest, RefusesKeyFileOpenToGroupOrOthers) {
  TempDir dir;
  std::string path = dir.Sub("pii.key");
  std::string hex = absl::BytesToHexString(EncKey() + MacKey());
  for (mode_t mode : {0640, 0604, 0644, 0660}) {
    ASSERT_TRUE(WriteKeyFile(path, hex + "\n", mode).ok());
    ASSERT_EQ(ModeOf(path), mode);
    auto loaded = PiiCipher::LoadKeyFile(path, true);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kPermissionDenied) << std::oct << mode;
    // The error tells the operator what to do, without the key.
    EXPECT_THAT(loaded.status().message(), HasSubstr("chmod 600"));
    EXPECT_THAT(loaded.status().message(), Not(HasSubstr(hex.substr(0, 16))));
  }
  // Refusal never rewrites the file.
  EXPECT_EQ(ReadFileOrEmpty(path), hex + "\n");
}

TEST(PiiKeyFileTest, MalformedKeyFileIsDataLoss) {
  TempDir dir;
  std::string path = dir.Sub("pii.key");
  std::string hex = absl::BytesToHexString(EncKey() + MacKey());
  const std::vector<std::string> bad = {
      "",
      "# only a comment\n",
      hex.substr(0, 127) + "\n",
      hex + "0\n",
      hex.substr(0, 127) + "g\n",
      hex + "\n" + hex + "\n",
      absl::BytesToHexString(EncKey()) + "\n",
  };
  for (const std::string& contents : bad) {
    ASSERT_TRUE(WriteKeyFile(path, contents).ok());
    auto loaded = PiiCipher::LoadKeyFile(path, true);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << contents;
    if (contents.size() > 16) {
      EXPECT_THAT(loaded.status().message(), Not(HasSubstr(contents.substr(0, 16))));
    }
    // A malformed key is never replaced by a fresh one (that would orphan data).
    EXPECT_EQ(ReadFileOrEmpty(path), contents);
  }
}

TEST(MaskTest, IdNumberKeepsFirstSixAndLastFour) {
  EXPECT_EQ(MaskIdNumber("51170219900101123X"), "511702********123X");
  EXPECT_EQ(MaskIdNumber("511702900101123"), "511702*****1123");  // 15-digit legacy ID
  EXPECT_EQ(MaskIdNumber("12345678901"), "123456*8901");
  EXPECT_EQ(MaskIdNumber("1234567890"), "**********");
  EXPECT_EQ(MaskIdNumber("123"), "***");
  EXPECT_EQ(MaskIdNumber(""), "");
}

TEST(MaskTest, PhoneKeepsFirstThreeAndLastFour) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("+8613812345678"), "+86*******5678");
  EXPECT_EQ(MaskPhone("1381234567"), "**********");
  EXPECT_EQ(MaskPhone("5678"), "****");
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(MaskTest, NameKeepsFirstCharacter) {
  EXPECT_EQ(MaskName("张三丰"), "张**");
  EXPECT_EQ(MaskName("李四"), "李*");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧***");
  EXPECT_EQ(MaskName("王"), "*");
  EXPECT_EQ(MaskName("阿卜杜·买买提"), "阿******");
  EXPECT_EQ(MaskName("Li Lei"), "L*****");
  EXPECT_EQ(MaskName("𠮷野家"), "𠮷**");  // 4-byte UTF-8 first character
  EXPECT_EQ(MaskName(""), "");
}

TEST(MaskTest, BrokenUtf8IsMaskedPerByteAndStaysValid) {
  // A truncated 3-byte sequence: each stray byte is one masked character.
  std::string broken = std::string("张") + "\xe4\xb8";
  EXPECT_EQ(MaskName(broken), "张**");
  EXPECT_EQ(MaskName("\xff\xfe"), "**");
  // Overlong and surrogate encodings are not characters either.
  EXPECT_EQ(MaskName("\xc0\xaf"
                     "ab"),
            "****");
  EXPECT_EQ(MaskName("\xed\xa0\x80x"), "****");
  EXPECT_EQ(MaskIdNumber("\xe0\x80\x80"
                         "2345678901234"),
            "***234******1234");
}

TEST(HashTest, Sha256HexKnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RandomHexTest, ReturnsFreshLowercaseHex) {
  std::string a = RandomHex(32);
  std::string b = RandomHex(32);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
  EXPECT_EQ(RandomHex(0), "");
  EXPECT_EQ(RandomHex(1).size(), 2u);
}

// Random bytes come from a per-thread block of DRBG output: a forked child
// must draw new bytes, not the ones its parent is about to hand out.
TEST(RandomHexTest, ForkedChildDoesNotRepeatItsParentsBytes) {
  (void)RandomHex(8);  // the parent's block is filled
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string hex = RandomHex(16);
    ssize_t n = write(fds[1], hex.data(), hex.size());
    _exit(n == static_cast<ssize_t>(hex.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string from_child(32, '\0');
  ssize_t n = read(fds[0], from_child.data(), from_child.size());
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(n, 32);
  EXPECT_NE(RandomHex(16), from_child);
}

}  // namespace
}  // namespace labor

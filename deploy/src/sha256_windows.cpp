// sha256_hex() on Windows: SHA-256 from the system's CNG provider (bcrypt.dll), no OpenSSL.
#include <windows.h>
// After windows.h:
#include <bcrypt.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <stdexcept>

#include "daemonize/deploy/text_tools.hpp"

namespace daemonize::deploy {
namespace {

[[noreturn]] void fail(const char* call, NTSTATUS status) {
  std::array<char, 16> code{};
  std::snprintf(code.data(), code.size(), "0x%08lx", static_cast<unsigned long>(status));
  throw std::runtime_error(std::string(call) + "(SHA-256) failed with status " + code.data());
}

class Algorithm {
 public:
  Algorithm() {
    if (const NTSTATUS status =
            BCryptOpenAlgorithmProvider(&handle_, BCRYPT_SHA256_ALGORITHM, nullptr, 0)) {
      fail("BCryptOpenAlgorithmProvider", status);
    }
  }
  Algorithm(const Algorithm&) = delete;
  Algorithm& operator=(const Algorithm&) = delete;
  ~Algorithm() { BCryptCloseAlgorithmProvider(handle_, 0); }
  [[nodiscard]] BCRYPT_ALG_HANDLE get() const { return handle_; }

 private:
  BCRYPT_ALG_HANDLE handle_ = nullptr;
};

class Hash {
 public:
  explicit Hash(const Algorithm& algorithm) {
    if (const NTSTATUS status =
            BCryptCreateHash(algorithm.get(), &handle_, nullptr, 0, nullptr, 0, 0)) {
      fail("BCryptCreateHash", status);
    }
  }
  Hash(const Hash&) = delete;
  Hash& operator=(const Hash&) = delete;
  ~Hash() { BCryptDestroyHash(handle_); }
  [[nodiscard]] BCRYPT_HASH_HANDLE get() const { return handle_; }

 private:
  BCRYPT_HASH_HANDLE handle_ = nullptr;
};

}  // namespace

std::string sha256_hex(std::string_view data) {
  const Algorithm algorithm;
  const Hash hash(algorithm);
  // BCryptHashData takes a ULONG length: larger inputs go in pieces.
  while (!data.empty()) {
    const auto piece = std::min<std::size_t>(data.size(), 1u << 30);
    // The input is only read; the API's parameter type is not const.
    auto* bytes = reinterpret_cast<PUCHAR>(const_cast<char*>(data.data()));
    if (const NTSTATUS status = BCryptHashData(hash.get(), bytes, static_cast<ULONG>(piece), 0)) {
      fail("BCryptHashData", status);
    }
    data.remove_prefix(piece);
  }
  std::array<unsigned char, 32> digest{};
  if (const NTSTATUS status =
          BCryptFinishHash(hash.get(), digest.data(), static_cast<ULONG>(digest.size()), 0)) {
    fail("BCryptFinishHash", status);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (const unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xf];
  }
  return hex;
}

}  // namespace daemonize::deploy

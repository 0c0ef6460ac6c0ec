// sha256_hex() on Linux and macOS: OpenSSL's SHA-256 (libcrypto).
#include <openssl/evp.h>

#include <array>
#include <stdexcept>

#include "daemonize/deploy/text_tools.hpp"

namespace daemonize::deploy {

std::string sha256_hex(std::string_view data) {
  // Fast even in sanitizer builds, where the daemonize binary being compared is >100 MB.
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest(SHA-256) failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace daemonize::deploy

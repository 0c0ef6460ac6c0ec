#include "daemonize/deploy/text_tools.hpp"

#include <array>
#include <cstdint>
#include <dtl/dtl.hpp>
#include <sstream>
#include <vector>

namespace daemonize::deploy {
namespace {

constexpr std::array<std::uint32_t, 64> kRoundConstants{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotate_right(std::uint32_t value, int bits) {
  return (value >> bits) | (value << (32 - bits));
}

void compress_block(std::array<std::uint32_t, 8>& state, const unsigned char* block) {
  std::array<std::uint32_t, 64> words{};
  for (std::size_t i = 0; i < 16; ++i) {
    words[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
               (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
  }
  for (std::size_t i = 16; i < 64; ++i) {
    const auto s0 =
        rotate_right(words[i - 15], 7) ^ rotate_right(words[i - 15], 18) ^ (words[i - 15] >> 3);
    const auto s1 =
        rotate_right(words[i - 2], 17) ^ rotate_right(words[i - 2], 19) ^ (words[i - 2] >> 10);
    words[i] = words[i - 16] + s0 + words[i - 7] + s1;
  }
  auto [a, b, c, d, e, f, g, h] = state;
  for (std::size_t i = 0; i < 64; ++i) {
    const auto s1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
    const auto choice = (e & f) ^ (~e & g);
    const auto temp1 = h + s1 + choice + kRoundConstants[i] + words[i];
    const auto s0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
    const auto majority = (a & b) ^ (a & c) ^ (b & c);
    const auto temp2 = s0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + temp1;
    d = c;
    c = b;
    b = a;
    a = temp1 + temp2;
  }
  const std::array<std::uint32_t, 8> added{a, b, c, d, e, f, g, h};
  for (std::size_t i = 0; i < 8; ++i) state[i] += added[i];
}

// Lines without their terminator; `missing_newline` reports an unterminated last line.
std::vector<std::string> split_lines(std::string_view text, bool& missing_newline) {
  std::vector<std::string> lines;
  missing_newline = !text.empty() && text.back() != '\n';
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<std::uint32_t, 8> state{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t offset = 0;
  for (; offset + 64 <= data.size(); offset += 64) compress_block(state, bytes + offset);
  std::array<unsigned char, 128> tail{};
  const std::size_t remaining = data.size() - offset;
  for (std::size_t i = 0; i < remaining; ++i) tail[i] = bytes[offset + i];
  tail[remaining] = 0x80;
  const std::size_t tail_size = remaining + 1 + 8 <= 64 ? 64 : 128;
  const std::uint64_t bit_length = static_cast<std::uint64_t>(data.size()) * 8;
  for (std::size_t i = 0; i < 8; ++i) {
    tail[tail_size - 1 - i] = static_cast<unsigned char>(bit_length >> (8 * i));
  }
  for (std::size_t block = 0; block < tail_size; block += 64) {
    compress_block(state, tail.data() + block);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (auto word : state) {
    for (int shift = 28; shift >= 0; shift -= 4) hex += kHex[(word >> shift) & 0xf];
  }
  return hex;
}

std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         const std::string& old_label, const std::string& new_label) {
  if (old_text == new_text) return "";
  bool old_unterminated = false;
  bool new_unterminated = false;
  auto old_lines = split_lines(old_text, old_unterminated);
  auto new_lines = split_lines(new_text, new_unterminated);
  // A last line that lost or gained its newline differs; mark it so dtl sees the change.
  if (old_unterminated != new_unterminated) {
    if (old_unterminated && !old_lines.empty())
      old_lines.back() += "\n\\ No newline at end of file";
    if (new_unterminated && !new_lines.empty())
      new_lines.back() += "\n\\ No newline at end of file";
  }
  dtl::Diff<std::string, std::vector<std::string>> diff(old_lines, new_lines);
  diff.onHuge();
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream out;
  out << "--- " << old_label << "\n+++ " << new_label << "\n";
  std::ostringstream hunks;
  diff.printUnifiedFormat(hunks);
  auto text = hunks.str();
  // diff(1) numbers an empty side's range from 0 ("@@ -0,0 +1,3 @@"); dtl starts at 1.
  if (old_lines.empty() && text.starts_with("@@ -1,0 ")) text.replace(0, 8, "@@ -0,0 ");
  if (new_lines.empty()) {
    const auto plus = text.find(" +1,0 @@");
    if (plus != std::string::npos) text.replace(plus, 8, " +0,0 @@");
  }
  out << text;
  return out.str();
}

}  // namespace daemonize::deploy

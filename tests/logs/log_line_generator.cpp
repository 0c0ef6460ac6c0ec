// log_line_generator N [BYTES_PER_WRITE]: writes numbered lines 0..N-1 to stdout ("out ...")
// and stderr ("err ..."), alternating, with write(2) calls whose sizes ignore line boundaries,
// so the reader sees lines split across reads. N = 0 writes forever (for disk-full tests).
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "numbered_lines.hpp"

namespace {

void write_all(int fd, const std::string& data, std::size_t piece) {
  std::size_t offset = 0;
  while (offset < data.size()) {
    const std::size_t take = std::min(piece, data.size() - offset);
    const ssize_t written = ::write(fd, data.data() + offset, take);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) std::_Exit(3);
    offset += static_cast<std::size_t>(written);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const long count = std::atol(argv[1]);
  const std::size_t base_piece = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  std::string out;
  std::string err;
  std::size_t piece = base_piece;
  for (long i = 0; count == 0 || i < count; ++i) {
    out += daemonize::logs::testing::numbered_line("out", i);
    err += daemonize::logs::testing::numbered_line("err", i);
    if (out.size() >= 16384) {
      piece = piece * 7 % 4093 + 1;  // odd sizes, deterministic
      write_all(1, out, piece);
      write_all(2, err, piece + 17);
      out.clear();
      err.clear();
    }
  }
  write_all(1, out, piece);
  write_all(2, err, piece);
  return 0;
}

// The supervised program of wine_logs_health_e2e.py (logs and [health] of the Windows watchdog).
//   logs_health_child lines N      writes N numbered lines of ~100 bytes to stdout (every 10th
//                                  also to stderr), one WriteFile each, then exits 0 at once:
//                                  the watchdog must lose nothing of it.
//   logs_health_child serve MS PORT MARKER
//                                  appends "started <pid>" to MARKER, waits MS milliseconds,
//                                  then listens on 127.0.0.1:PORT (appending "listening <pid>")
//                                  and answers every connection with "HTTP/1.0 200 OK".
// winsock2.h first: windows.h would otherwise pull in the older winsock.h.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

void write_all(HANDLE handle, const char* data, DWORD size) {
  while (size > 0) {
    DWORD written = 0;
    if (!WriteFile(handle, data, size, &written, nullptr) || written == 0) return;
    data += written;
    size -= written;
  }
}

int write_lines(long count) {
  HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
  HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
  for (long i = 1; i <= count; ++i) {
    char line[160];
    int length = std::snprintf(line, sizeof(line), "line %06ld %s\n", i,
                               "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
                               "0123456789abcdefghij");
    write_all(out, line, static_cast<DWORD>(length));
    if (i % 10 == 0) {
      length = std::snprintf(line, sizeof(line), "err %06ld\n", i);
      write_all(err, line, static_cast<DWORD>(length));
    }
  }
  return 0;
}

void append_marker(const char* path, const char* what) {
  HANDLE file = CreateFileA(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                            OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) return;
  char line[64];
  const int length = std::snprintf(line, sizeof(line), "%s %lu\n", what, GetCurrentProcessId());
  write_all(file, line, static_cast<DWORD>(length));
  CloseHandle(file);
}

int serve(DWORD delay_ms, unsigned short port, const char* marker) {
  append_marker(marker, "started");
  Sleep(delay_ms);
  WSADATA data;
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 3;
  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (listener == INVALID_SOCKET) return 4;
  BOOL reuse = TRUE;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&reuse),
             sizeof(reuse));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) return 5;
  if (listen(listener, 16) != 0) return 6;
  append_marker(marker, "listening");
  std::printf("listening on 127.0.0.1:%u\n", port);
  std::fflush(stdout);
  for (;;) {
    SOCKET client = accept(listener, nullptr, nullptr);
    if (client == INVALID_SOCKET) continue;
    char request[2048];
    recv(client, request, sizeof(request), 0);  // the request line and headers; not parsed
    static const char response[] =
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
        "Connection: close\r\n\r\nok\n";
    send(client, response, static_cast<int>(sizeof(response) - 1), 0);
    shutdown(client, SD_SEND);
    closesocket(client);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "lines") == 0) return write_lines(std::atol(argv[2]));
  if (argc >= 5 && std::strcmp(argv[1], "serve") == 0)
    return serve(static_cast<DWORD>(std::atol(argv[2])),
                 static_cast<unsigned short>(std::atoi(argv[3])), argv[4]);
  std::fprintf(stderr, "usage: logs_health_child lines N | serve MS PORT MARKER\n");
  return 2;
}

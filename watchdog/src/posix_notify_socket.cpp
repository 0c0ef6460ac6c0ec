#include "posix_notify_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace daemonize::posix {

NotifySocket::NotifySocket(boost::asio::io_context& io, int watchdog_pid) : descriptor_(io) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) throw std::runtime_error(std::string("notify socket: ") + std::strerror(errno));
  descriptor_.assign(fd);
  address_ = "@daemonize/notify/" + std::to_string(watchdog_pid);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // Abstract: a leading NUL instead of '@', no terminating NUL counted.
  std::memcpy(address.sun_path + 1, address_.data() + 1, address_.size() - 1);
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    throw std::runtime_error("notify socket " + address_ + ": " + std::strerror(errno));
  }
  const int on = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
    throw std::runtime_error("notify socket " + address_ + ": " + std::strerror(errno));
  }
}

NotifySocket::~NotifySocket() = default;

void NotifySocket::listen(Handler handler) {
  handler_ = std::move(handler);
  wait();
}

void NotifySocket::wait() {
  descriptor_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                         [this](const boost::system::error_code& ec) {
                           if (ec) return;
                           drain();
                           wait();
                         });
}

void NotifySocket::drain() {
  // sd_notify datagrams are small; a longer one is cut (and its tail ignored).
  std::array<char, 4096> buffer{};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(ucred))> control{};
  for (;;) {
    iovec vector{buffer.data(), buffer.size()};
    msghdr header{};
    header.msg_iov = &vector;
    header.msg_iovlen = 1;
    header.msg_control = control.data();
    header.msg_controllen = control.size();
    const ssize_t received = ::recvmsg(descriptor_.native_handle(), &header, MSG_CMSG_CLOEXEC);
    if (received < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN: drained
    }
    Datagram datagram;
    datagram.text.assign(buffer.data(), static_cast<std::size_t>(received));
    for (cmsghdr* message = CMSG_FIRSTHDR(&header); message != nullptr;
         message = CMSG_NXTHDR(&header, message)) {
      if (message->cmsg_level == SOL_SOCKET && message->cmsg_type == SCM_CREDENTIALS) {
        ucred credentials{};
        std::memcpy(&credentials, CMSG_DATA(message), sizeof credentials);
        datagram.sender = credentials.pid;
      } else if (message->cmsg_level == SOL_SOCKET && message->cmsg_type == SCM_RIGHTS) {
        // File descriptors (FDSTORE=1) are not kept: close them.
        const auto bytes = message->cmsg_len - CMSG_LEN(0);
        for (std::size_t offset = 0; offset + sizeof(int) <= bytes; offset += sizeof(int)) {
          int fd = -1;
          std::memcpy(&fd, CMSG_DATA(message) + offset, sizeof fd);
          ::close(fd);
        }
      }
    }
    if (handler_) handler_(datagram);
  }
}

}  // namespace daemonize::posix

// [service] type = "notify" on Linux: the datagram socket the program's sd_notify() talks to.
// An abstract AF_UNIX socket ("@daemonize/notify/<watchdog pid>"): no file a user switch or a
// read-only state directory could get in the way of. SO_PASSCRED tells who sent each datagram,
// so the watchdog can accept only the service's own processes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <string>

namespace daemonize::posix {

class NotifySocket {
 public:
  struct Datagram {
    int sender = 0;  // pid from the kernel's credentials, 0 when unknown
    std::string text;
  };
  using Handler = std::function<void(const Datagram&)>;

  // Binds the socket; throws std::runtime_error when it cannot.
  NotifySocket(boost::asio::io_context& io, int watchdog_pid);
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket();

  // The NOTIFY_SOCKET value for the program ("@daemonize/notify/1234").
  [[nodiscard]] const std::string& address() const { return address_; }
  // Calls `handler` for every datagram from now on.
  void listen(Handler handler);

 private:
  void wait();
  void drain();

  boost::asio::posix::stream_descriptor descriptor_;
  std::string address_;
  Handler handler_;
};

}  // namespace daemonize::posix

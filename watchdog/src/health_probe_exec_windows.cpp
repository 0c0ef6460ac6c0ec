// The exec probe on Windows is unsupported (docs/targets/windows-runtime.md). The Windows
// watchdog refuses `check = "exec"` before it gets here (a warning, and RUNNING once the child
// runs); should a probe be made anyway, every attempt fails with a message that says why.
#include <boost/asio/post.hpp>

#include "daemonize/watchdog/health_probe.hpp"

namespace daemonize::detail {
namespace {

class UnsupportedExecProbe final : public HealthProbe {
 public:
  explicit UnsupportedExecProbe(boost::asio::io_context& io) : io_(io) {}
  void start(Done done) override {
    const auto generation = ++generation_;
    boost::asio::post(io_, [this, generation, done = std::move(done)] {
      if (generation == generation_)
        done({false, "exec health checks are not supported on Windows yet"});
    });
  }
  void abort() override { ++generation_; }

 private:
  boost::asio::io_context& io_;
  std::uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<HealthProbe> make_exec_probe(boost::asio::io_context& io, const HealthTarget&,
                                             std::function<void(int)>) {
  return std::make_unique<UnsupportedExecProbe>(io);
}

}  // namespace daemonize::detail

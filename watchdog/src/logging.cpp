#include "logging.hpp"

#include <sys/stat.h>

#include <boost/core/null_deleter.hpp>
#include <boost/log/attributes/mutable_constant.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/smart_ptr/make_shared_object.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "daemonize/watchdog/state_file.hpp"

namespace daemonize::watchdog_log {
namespace {

namespace logging = boost::log;
namespace sinks = boost::log::sinks;

using Logger = logging::sources::severity_logger<SupervisorLogLevel>;

BOOST_LOG_ATTRIBUTE_KEYWORD(severity_keyword, "Severity", SupervisorLogLevel)
BOOST_LOG_ATTRIBUTE_KEYWORD(service_keyword, "Service", std::string)

const char* level_name(SupervisorLogLevel level) {
  switch (level) {
    case SupervisorLogLevel::debug:
      return "debug";
    case SupervisorLogLevel::info:
      return "info";
    case SupervisorLogLevel::notice:
      return "notice";
    case SupervisorLogLevel::warning:
      return "warning";
    case SupervisorLogLevel::error:
      return "error";
  }
  return "info";
}

// sd-daemon(3) priorities.
int journal_priority(SupervisorLogLevel level) {
  switch (level) {
    case SupervisorLogLevel::debug:
      return 7;
    case SupervisorLogLevel::info:
      return 6;
    case SupervisorLogLevel::notice:
      return 5;
    case SupervisorLogLevel::warning:
      return 4;
    case SupervisorLogLevel::error:
      return 3;
  }
  return 6;
}

// JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected; it only applies if stderr is
// still that stream.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  struct stat info {};
  if (::fstat(2, &info) != 0) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  return device == info.st_dev && inode == info.st_ino;
}

struct State {
  Logger logger;
  logging::attributes::mutable_constant<std::string> service{"daemonize"};
  bool journal = false;
  bool initialized = false;
};

State& state() {
  static State instance;
  return instance;
}

}  // namespace

void initialize(const std::string& service_name) {
  auto& s = state();
  if (s.initialized) {
    set_service_name(service_name);
    return;
  }
  s.initialized = true;
  s.journal = stderr_is_journal();
  s.service.set(service_name);
  s.logger.add_attribute("Service", s.service);

  using Backend = sinks::text_ostream_backend;
  auto backend = boost::make_shared<Backend>();
  backend->add_stream(boost::shared_ptr<std::ostream>(&std::cerr, boost::null_deleter()));
  backend->auto_flush(true);
  auto sink = boost::make_shared<sinks::synchronous_sink<Backend>>(backend);
  const bool journal = s.journal;
  sink->set_formatter(
      [journal](const logging::record_view& record, logging::formatting_ostream& out) {
        const auto severity = record[severity_keyword];
        const auto level = severity ? severity.get() : SupervisorLogLevel::info;
        if (journal) {
          out << '<' << journal_priority(level) << '>' << level_name(level) << ": "
              << record[logging::expressions::smessage];
          return;
        }
        const auto service = record[service_keyword];
        out << format_rfc3339(std::chrono::system_clock::now()) << " daemonize["
            << (service ? service.get() : std::string("daemonize")) << "] " << level_name(level)
            << ": " << record[logging::expressions::smessage];
      });
  // Debug events (each reaped orphan...) only with DAEMONIZE_LOG_LEVEL=debug.
  const char* wanted = std::getenv("DAEMONIZE_LOG_LEVEL");
  const bool debug = wanted != nullptr && std::string_view(wanted) == "debug";
  sink->set_filter(severity_keyword >=
                   (debug ? SupervisorLogLevel::debug : SupervisorLogLevel::info));
  logging::core::get()->add_sink(sink);
}

void set_service_name(const std::string& service_name) { state().service.set(service_name); }

void write(SupervisorLogLevel level, const std::string& message) {
  auto& s = state();
  if (!s.initialized) initialize("daemonize");
  BOOST_LOG_SEV(s.logger, level) << message;
}

}  // namespace daemonize::watchdog_log

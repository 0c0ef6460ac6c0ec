// [schedule] as Task Scheduler triggers: CalendarTriggers for a cron expression (one per run of
// evenly spaced times of day and per day rule), a repeating TimeTrigger for `every`.
#pragma once

#include <string>
#include <vector>

#include "common.hpp"
#include "daemonize/core/model.hpp"

namespace daemonize::windows {

// The <Triggers> children (lines without their "\r\n", indented for <Triggers>); errors name
// what Task Scheduler cannot express. Empty when the service has no schedule.
[[nodiscard]] std::vector<std::string> schedule_trigger_lines(const Service& service,
                                                              detail::Diagnostics& diagnostics);

// MultipleInstancesPolicy for [schedule] overlap ("IgnoreNew" without a schedule).
[[nodiscard]] const char* multiple_instances_policy(const Service& service,
                                                    detail::Diagnostics& diagnostics);

}  // namespace daemonize::windows

// How each enum of the model is spelled in manifests: the one place these words are written.
// The loader accepts exactly these, to_string() prints them and the normalized JSON uses them.
// The order is the order of "must be one of ..." messages.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "daemonize/core/model.hpp"

namespace daemonize {

template <typename Enum>
struct Spelling {
  std::string_view text;
  Enum value;
};

template <typename Enum>
inline constexpr std::array<Spelling<Enum>, 0> spellings{};

template <>
inline constexpr std::array<Spelling<TargetOs>, 3> spellings<TargetOs>{
    {{"linux", TargetOs::linux}, {"macos", TargetOs::macos}, {"windows", TargetOs::windows}}};
template <>
inline constexpr std::array<Spelling<Scope>, 2> spellings<Scope>{
    {{"system", Scope::system}, {"user", Scope::user}}};
template <>
inline constexpr std::array<Spelling<SupervisorMode>, 2> spellings<SupervisorMode>{
    {{"daemonize", SupervisorMode::daemonize}, {"native", SupervisorMode::native}}};
template <>
inline constexpr std::array<Spelling<RestartPolicy>, 3> spellings<RestartPolicy>{
    {{"always", RestartPolicy::always},
     {"on-failure", RestartPolicy::on_failure},
     {"never", RestartPolicy::never}}};
template <>
inline constexpr std::array<Spelling<Signal>, 7> spellings<Signal>{{{"TERM", Signal::term},
                                                                    {"INT", Signal::interrupt},
                                                                    {"HUP", Signal::hangup},
                                                                    {"QUIT", Signal::quit},
                                                                    {"USR1", Signal::usr1},
                                                                    {"USR2", Signal::usr2},
                                                                    {"KILL", Signal::kill}}};
// RotateEvery::none has no spelling: a manifest leaves rotate_every out instead.
template <>
inline constexpr std::array<Spelling<RotateEvery>, 3> spellings<RotateEvery>{
    {{"hourly", RotateEvery::hourly},
     {"daily", RotateEvery::daily},
     {"weekly", RotateEvery::weekly}}};
template <>
inline constexpr std::array<Spelling<LogTimezone>, 2> spellings<LogTimezone>{
    {{"utc", LogTimezone::utc}, {"local", LogTimezone::local}}};
template <>
inline constexpr std::array<Spelling<HealthCheckKind>, 3> spellings<HealthCheckKind>{
    {{"http", HealthCheckKind::http},
     {"tcp", HealthCheckKind::tcp},
     {"exec", HealthCheckKind::exec}}};
template <>
inline constexpr std::array<Spelling<WindowsBackend>, 2> spellings<WindowsBackend>{
    {{"service", WindowsBackend::service}, {"task", WindowsBackend::task}}};
template <>
inline constexpr std::array<Spelling<WindowsStart>, 4> spellings<WindowsStart>{
    {{"auto", WindowsStart::automatic},
     {"delayed-auto", WindowsStart::delayed_automatic},
     {"demand", WindowsStart::demand},
     {"disabled", WindowsStart::disabled}}};
template <>
inline constexpr std::array<Spelling<TaskTrigger>, 2> spellings<TaskTrigger>{
    {{"boot", TaskTrigger::boot}, {"logon", TaskTrigger::logon}}};
template <>
inline constexpr std::array<Spelling<KillScope>, 4> spellings<KillScope>{
    {{"group", KillScope::group},
     {"main", KillScope::main},
     {"all", KillScope::all},
     {"mixed", KillScope::mixed}}};
template <>
inline constexpr std::array<Spelling<HookPhase>, 5> spellings<HookPhase>{
    {{"pre_start", HookPhase::pre_start},
     {"post_start", HookPhase::post_start},
     {"stop", HookPhase::stop},
     {"post_stop", HookPhase::post_stop},
     {"reload", HookPhase::reload}}};
template <>
inline constexpr std::array<Spelling<ServiceType>, 4> spellings<ServiceType>{
    {{"simple", ServiceType::simple},
     {"forking", ServiceType::forking},
     {"oneshot", ServiceType::oneshot},
     {"notify", ServiceType::notify}}};
// LogStream::Kind::file is spelled by its file name.
template <>
inline constexpr std::array<Spelling<LogStream::Kind>, 2> spellings<LogStream::Kind>{
    {{"inherit", LogStream::Kind::inherit}, {"null", LogStream::Kind::null}}};

// The manifest spelling of `value`; nullptr when it has none.
template <typename Enum>
constexpr const char* spelling_of(Enum value) {
  for (const auto& spelling : spellings<Enum>) {
    if (spelling.value == value) return spelling.text.data();
  }
  return nullptr;
}

// The value spelled `text`, if any.
template <typename Enum>
constexpr std::optional<Enum> value_spelled(std::string_view text) {
  for (const auto& spelling : spellings<Enum>) {
    if (spelling.text == text) return spelling.value;
  }
  return std::nullopt;
}

template <>
inline constexpr std::array<Spelling<ScheduleOverlap>, 3> spellings<ScheduleOverlap>{
    {{"skip", ScheduleOverlap::skip},
     {"queue", ScheduleOverlap::queue},
     {"allow", ScheduleOverlap::allow}}};

}  // namespace daemonize

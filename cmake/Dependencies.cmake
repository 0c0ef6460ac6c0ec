# Every dependency comes from a Debian 12 package (scripts/install-deps.sh installs them).
# The mingw-w64 cross build finds its own (Boost built for the target, header-only libraries).
if(WIN32 AND CMAKE_CROSSCOMPILING)
  include(MingwDependencies)
  return()
endif()

# One watchdog runs per service, so what each maps is paid once per service. A Release build on
# Linux therefore links every library except glibc statically, into a fixed-address executable:
# no shared library to relocate into private pages, and only the code a process touches is
# resident (docs/watchdog.md "Memory"; measured by bench/watchdog).
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND CMAKE_BUILD_TYPE STREQUAL "Release"
   AND NOT DAEMONIZE_SANITIZE AND NOT DAEMONIZE_FUZZ)
  set(daemonize_static_default ON)
else()
  set(daemonize_static_default OFF)
endif()
option(DAEMONIZE_STATIC_LIBRARIES
  "Link Boost, libstdc++, yaml-cpp, toml++, libcrypto and zlib statically (no PIE)"
  ${daemonize_static_default})
if(DAEMONIZE_STATIC_LIBRARIES)
  set(Boost_USE_STATIC_LIBS ON)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  set(ZLIB_USE_STATIC_LIBS ON)
endif()

find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json log filesystem thread iostreams)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
if(DAEMONIZE_STATIC_LIBRARIES)
  # Debian ships toml++ as a shared library only; its headers compile the same parser inline.
  find_path(TOMLPLUSPLUS_INCLUDE_DIR toml++/toml.h REQUIRED)
  add_library(PkgConfig::TOMLPLUSPLUS INTERFACE IMPORTED)
  target_include_directories(PkgConfig::TOMLPLUSPLUS INTERFACE ${TOMLPLUSPLUS_INCLUDE_DIR})
  target_compile_definitions(PkgConfig::TOMLPLUSPLUS INTERFACE TOML_HEADER_ONLY=1)
  # yaml-cpp's CMake package names the shared library; the static one sits beside it.
  find_library(YAML_CPP_STATIC_LIBRARY libyaml-cpp.a REQUIRED)
  find_path(YAML_CPP_INCLUDE_DIR yaml-cpp/yaml.h REQUIRED)
  add_library(yaml-cpp STATIC IMPORTED GLOBAL)
  set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION ${YAML_CPP_STATIC_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${YAML_CPP_INCLUDE_DIR})
  target_link_options(standard_settings INTERFACE -static-libstdc++ -static-libgcc -no-pie)
else()
  pkg_check_modules(TOMLPLUSPLUS REQUIRED IMPORTED_TARGET tomlplusplus)
endif()
if(DAEMONIZE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

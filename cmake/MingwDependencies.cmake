# Dependencies of the mingw-w64 cross build (cmake/toolchains/mingw-w64.cmake), included by
# Dependencies.cmake in place of the host lookups:
#   cmake -S . -B /work/build-mingw -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64.cmake \
#     -DDAEMONIZE_MINGW_PREFIX=/var/cache/daemonize/boost-1.81-mingw-v2 -DDAEMONIZE_BUILD_TESTS=OFF
# - Boost (compiled parts) and yaml-cpp: built for the target by scripts/mingw/mingw-boost.sh
#   and mingw-yaml-cpp.sh (both run by scripts/prepare.d/mingw.sh) into DAEMONIZE_MINGW_PREFIX and DAEMONIZE_MINGW_YAML_CPP_PREFIX, found
#   through the toolchain's CMAKE_FIND_ROOT_PATH.
# - Header-only libraries (CLI11, toml++, dtl) come from the host's Debian packages. Their
#   directories are exposed through symlinks in a private include directory, never as
#   -I/usr/include, which would put glibc's headers in front of mingw's.
# - toml++ is compiled header-only here (Debian's .pc says TOML_HEADER_ONLY=0 for its .so).
# - <Windows.h>: Boost spells it with a capital W; mingw ships windows.h and the disk is
#   case-sensitive, so the same directory holds a one-line shim.
if(DAEMONIZE_BUILD_TESTS)
  message(STATUS "mingw cross build: DAEMONIZE_BUILD_TESTS forced OFF (GoogleTest is a host "
                 "library; the Windows runtime is tested under Wine by tests/windows-runtime)")
  set(DAEMONIZE_BUILD_TESTS OFF)
endif()

if(NOT DAEMONIZE_MINGW_PREFIX)
  set(DAEMONIZE_MINGW_PREFIX /var/cache/daemonize/boost-1.81-mingw-v2 CACHE PATH "" FORCE)
  list(APPEND CMAKE_FIND_ROOT_PATH ${DAEMONIZE_MINGW_PREFIX})
endif()
set(DAEMONIZE_MINGW_YAML_CPP_PREFIX /var/cache/daemonize/yaml-cpp-0.7-mingw-v1
    CACHE PATH "yaml-cpp built for mingw by scripts/mingw/mingw-yaml-cpp.sh")
list(APPEND CMAKE_FIND_ROOT_PATH ${DAEMONIZE_MINGW_YAML_CPP_PREFIX})
if(NOT EXISTS ${DAEMONIZE_MINGW_PREFIX}/lib/cmake)
  message(FATAL_ERROR "No Boost for mingw in ${DAEMONIZE_MINGW_PREFIX}: "
                      "run scripts/mingw/mingw-boost.sh first")
endif()

# The toolchain's flags again, for builds that set CMAKE_CXX_FLAGS themselves (which replaces
# CMAKE_CXX_FLAGS_INIT): Boost.Log's ABI namespace depends on the Windows API level.
add_compile_definitions(_WIN32_WINNT=0x0A00 BOOST_USE_WINAPI_VERSION=0x0A00 WIN32_LEAN_AND_MEAN
                        NOMINMAX _POSIX_THREAD_SAFE_FUNCTIONS=200112L)

# A changed prefix (a new recipe version of mingw-boost.sh) must not keep using the config files
# an earlier configure found in the old one.
get_cmake_property(cached_variables CACHE_VARIABLES)
foreach(variable IN LISTS cached_variables)
  if(variable MATCHES "^(Boost|boost_[a-z_]+)_DIR$")
    string(FIND "${${variable}}" "${DAEMONIZE_MINGW_PREFIX}/" position)
    if(NOT position EQUAL 0)
      unset(${variable} CACHE)
    endif()
  endif()
endforeach()

set(Boost_USE_STATIC_LIBS ON)
set(Boost_USE_STATIC_RUNTIME ON)
# No iostreams: nothing links it (the host build's list has it; the mingw Boost does not).
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json log filesystem thread)
# Boost.Asio and Boost.Log on Windows need the socket and a few system libraries.
foreach(boost_target Boost::log Boost::filesystem Boost::thread)
  set_property(TARGET ${boost_target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES ws2_32 mswsock)
endforeach()

set(daemonize_host_headers ${CMAKE_BINARY_DIR}/mingw-host-headers)
file(MAKE_DIRECTORY ${daemonize_host_headers})
file(WRITE ${daemonize_host_headers}/Windows.h "#include <windows.h>\n")
foreach(header_dir CLI toml++ dtl)
  if(NOT EXISTS /usr/include/${header_dir})
    message(FATAL_ERROR "/usr/include/${header_dir} is missing (scripts/deps/build.txt)")
  endif()
  file(CREATE_LINK /usr/include/${header_dir} ${daemonize_host_headers}/${header_dir} SYMBOLIC)
endforeach()

add_library(CLI11::CLI11 INTERFACE IMPORTED)
target_include_directories(CLI11::CLI11 SYSTEM INTERFACE ${daemonize_host_headers})

add_library(PkgConfig::TOMLPLUSPLUS INTERFACE IMPORTED)
target_include_directories(PkgConfig::TOMLPLUSPLUS SYSTEM INTERFACE ${daemonize_host_headers})
target_compile_definitions(PkgConfig::TOMLPLUSPLUS INTERFACE TOML_HEADER_ONLY=1)

# Every first-party target sees the shim (Boost headers include <Windows.h>).
include_directories(SYSTEM ${daemonize_host_headers})

# cmake/Backends.cmake and the backends still call find_package(PkgConfig)/pkg_check_modules
# on Linux only; yaml-cpp (kubernetes) comes from the prefix.
find_package(PkgConfig QUIET)

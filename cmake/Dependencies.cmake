# Every dependency comes from a Debian 12 package (scripts/install-deps.sh installs them).
# The mingw-w64 cross build finds its own (Boost built for the target, header-only libraries).
if(WIN32 AND CMAKE_CROSSCOMPILING)
  include(MingwDependencies)
  return()
endif()
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json log filesystem thread iostreams)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(TOMLPLUSPLUS REQUIRED IMPORTED_TARGET tomlplusplus)
if(DAEMONIZE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# INTERFACE targets linked PRIVATEly by all first-party code (the ccache pattern).
add_library(standard_settings INTERFACE)
add_library(standard_warnings INTERFACE)

target_compile_features(standard_settings INTERFACE cxx_std_20)
target_compile_definitions(standard_settings INTERFACE
  DAEMONIZE_VERSION="${PROJECT_VERSION}")

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(standard_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
  if(DAEMONIZE_WERROR)
    target_compile_options(standard_warnings INTERFACE -Werror)
  endif()
endif()

if(DAEMONIZE_SANITIZE)
  target_compile_options(standard_settings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(standard_settings INTERFACE -fsanitize=address,undefined)
endif()

if(DAEMONIZE_FUZZ)
  # Instrument everything for coverage; only fuzz targets link the libFuzzer main.
  target_compile_options(standard_settings INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(standard_settings INTERFACE -fsanitize=address,undefined)
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

# Cross build for 64-bit Windows with Debian's mingw-w64 (package g++-mingw-w64-x86-64).
#   cmake -S . -B build-mingw -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64.cmake
# The -posix compiler variant is required: the -win32 one has no std::thread/std::mutex.
# Libraries built for the target (Boost for mingw, cached by scripts/prepare.d) are found
# through DAEMONIZE_MINGW_PREFIX, e.g. -DDAEMONIZE_MINGW_PREFIX=/var/cache/daemonize/boost-mingw-1.81.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(DAEMONIZE_MINGW_TRIPLE x86_64-w64-mingw32)
find_program(CMAKE_C_COMPILER NAMES ${DAEMONIZE_MINGW_TRIPLE}-gcc-posix REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${DAEMONIZE_MINGW_TRIPLE}-g++-posix REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${DAEMONIZE_MINGW_TRIPLE}-windres)

set(DAEMONIZE_MINGW_PREFIX "" CACHE PATH "Install prefix of libraries built for mingw (Boost)")
set(CMAKE_FIND_ROOT_PATH /usr/${DAEMONIZE_MINGW_TRIPLE} ${DAEMONIZE_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Self-contained executables: no libstdc++/libgcc/winpthread DLLs to ship next to them.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

# Windows 10 API level, the same one scripts/mingw/mingw-boost.sh builds Boost with (Boost.Log
# puts it in its ABI namespace). WIN32_LEAN_AND_MEAN: Boost.Asio includes winsock2.h, which
# clashes with the winsock.h a full <windows.h> pulls in ("WinSock.h has already been included").
# _POSIX_THREAD_SAFE_FUNCTIONS: mingw's <time.h> then offers gmtime_r/localtime_r.
set(CMAKE_CXX_FLAGS_INIT
    "-D_WIN32_WINNT=0x0A00 -DBOOST_USE_WINAPI_VERSION=0x0A00 -DWIN32_LEAN_AND_MEAN -DNOMINMAX -D_POSIX_THREAD_SAFE_FUNCTIONS=200112L")
set(CMAKE_C_FLAGS_INIT "-D_WIN32_WINNT=0x0A00 -DWIN32_LEAN_AND_MEAN -DNOMINMAX")

# Tests of cross-built programs run under Wine (wine64 lives outside PATH on Debian).
find_program(DAEMONIZE_WINE64 NAMES wine64 PATHS /usr/lib/wine NO_DEFAULT_PATH)
find_program(DAEMONIZE_WINE64 NAMES wine64)
if(DAEMONIZE_WINE64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${DAEMONIZE_WINE64})
endif()

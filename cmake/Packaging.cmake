# Installation of everything besides the binary (cli/ installs that) and the CPack .deb.
#
#   cmake --install BUILD [--prefix /usr/local]     man page, completions, docs, examples
#   cpack --config BUILD/CPackConfig.cmake -G DEB   daemonize_<version>_<arch>.deb, prefix /usr
#
# The .deb's Depends come from the binary's shared libraries (dpkg-shlibdeps, package dpkg-dev):
# libc6 alone for a Release build (DAEMONIZE_STATIC_LIBRARIES, cmake/Dependencies.cmake); for
# other builds also libstdc++6, libgcc-s1, the Boost 1.81 runtime libraries and libtomlplusplus3
# (plus libasan8/libubsan1 for a DAEMONIZE_SANITIZE build). `apt install ./x.deb`
# fetches them; tests/docs/deb_in_container.sh installs them offline with `dpkg -i` from packages
# downloaded on the host.
include(GNUInstallDirs)

set(daemonize_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/daemonize)

install(FILES ${PROJECT_SOURCE_DIR}/man/daemonize.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/completions/daemonize.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME daemonize)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_daemonize
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${daemonize_doc_dir}
        FILES_MATCHING PATTERN "*.md" PATTERN "*.svg" PATTERN "*.png")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${daemonize_doc_dir}/examples
        FILES_MATCHING PATTERN "*.toml")

set(CPACK_PACKAGE_NAME daemonize)
set(CPACK_PACKAGE_VENDOR "the daemonize project")
set(CPACK_PACKAGE_CONTACT "daemonize maintainers <daemonize@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "one manifest, a well-behaved service on every platform")
set(CPACK_PACKAGE_DESCRIPTION
    "daemonize turns one service manifest (service.toml) into native service definitions for
systemd, launchd, the Windows Service Control Manager, Task Scheduler, Kubernetes and cron,
and supervises programs with a shared watchdog (daemonize run).")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Debian packages live under /usr; `cmake --install` keeps CMAKE_INSTALL_PREFIX (/usr/local).
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES OFF)  # sanitizer and debug builds keep their symbols

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, man-db")

include(CPack)

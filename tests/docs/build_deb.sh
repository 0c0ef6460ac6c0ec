# Sourced by the .deb tests: build_deb BUILD_DIR OUT_DIR builds the package with CPack into
# OUT_DIR and sets DEB to its path. CPack installs the already-built tree (no rebuild).
build_deb() {
  local build_dir=$1 out_dir=$2 log
  require_tool cpack cmake
  require_tool dpkg-shlibdeps dpkg-dev
  require_tool file file
  [ -f "$build_dir/CPackConfig.cmake" ] || fail "$build_dir/CPackConfig.cmake missing (cmake/Packaging.cmake not included?)"
  log=$out_dir/cpack.log
  if ! cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$out_dir" >"$log" 2>&1; then
    cat "$log" >&2
    fail "cpack -G DEB failed"
  fi
  DEB=$(ls "$out_dir"/daemonize_*.deb 2>/dev/null | head -n 1)
  [ -n "$DEB" ] || { cat "$log" >&2; fail "cpack produced no daemonize_*.deb"; }
}

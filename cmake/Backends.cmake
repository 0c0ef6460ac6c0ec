# Backends register themselves here; the cli target generates its registry from this list,
# so adding a backend never edits the cli sources.
#   daemonize_register_backend(TARGET HEADER FACTORY)
# FACTORY is a function `std::unique_ptr<daemonize::Backend> FACTORY()` declared in HEADER and
# defined in the library TARGET, which the cli links. One registration provides both halves of a
# target: a backend deploy can install registers its install library (e.g.
# daemonize_systemd_install), whose factory returns the pure renderer of its render library
# wrapped with its install facet (core's with_install_target()); a render-only backend
# (kubernetes) registers its render library and a plain renderer.
function(daemonize_register_backend target header factory)
  set_property(GLOBAL APPEND PROPERTY DAEMONIZE_BACKEND_TARGETS ${target})
  set_property(GLOBAL APPEND PROPERTY DAEMONIZE_BACKEND_HEADERS ${header})
  set_property(GLOBAL APPEND PROPERTY DAEMONIZE_BACKEND_FACTORIES ${factory})
endfunction()

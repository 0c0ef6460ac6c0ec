# Backends register themselves here; the cli target generates its registry from this list,
# so adding a backend never edits the cli sources.
#   daemonize_register_backend(TARGET HEADER FACTORY)
# FACTORY is a function `std::unique_ptr<daemonize::Backend> FACTORY()` declared in HEADER.
function(daemonize_register_backend target header factory)
  set_property(GLOBAL APPEND PROPERTY DAEMONIZE_BACKEND_TARGETS ${target})
  set_property(GLOBAL APPEND PROPERTY DAEMONIZE_BACKEND_HEADERS ${header})
  set_property(GLOBAL APPEND PROPERTY DAEMONIZE_BACKEND_FACTORIES ${factory})
endfunction()

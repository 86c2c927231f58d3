# The domain/gRPC boundary, kept by the build rather than by habit.
#
# A service's domain library (rules, manager, store) must compile and link
# without gRPC, so that its logic can be read, tested and reused without the
# transport. Two checks enforce it for every target declared with
# labor_domain_library():
#  - includes, at build time: the target compiles with a "fence" include
#    directory searched before the system ones. It holds, for every gRPC
#    header (grpcpp/, grpc/, grpc++/) and every generated *.grpc.pb.h, a
#    header of the same path that is an #error. A domain source reaching any
#    of them, directly or through another header, fails to compile, and the
#    compiler prints the include chain.
#  - links, at configure time: labor_check_domain_links() walks each domain
#    target's link closure and stops the configure if a gRPC library is in it.

set(LABOR_GRPC_FENCE_DIR ${PROJECT_BINARY_DIR}/grpc_fence)

function(_labor_fence_header relative_path)
  file(CONFIGURE OUTPUT ${LABOR_GRPC_FENCE_DIR}/${relative_path} CONTENT
"#error \"${relative_path} is gRPC: a *_domain library may not include it, even \
through another header (see DESIGN.md, Layering)\"
")
endfunction()

# Fences every header of the installed gRPC. Call after find_package(gRPC).
function(labor_fence_grpc_headers)
  get_target_property(dirs gRPC::grpc++ INTERFACE_INCLUDE_DIRECTORIES)
  find_path(LABOR_GRPCPP_INCLUDE_DIR grpcpp/grpcpp.h HINTS ${dirs})
  if(NOT LABOR_GRPCPP_INCLUDE_DIR)
    message(FATAL_ERROR "grpcpp/grpcpp.h not found: cannot fence gRPC out of the domain libraries")
  endif()
  file(GLOB_RECURSE headers RELATIVE ${LABOR_GRPCPP_INCLUDE_DIR}
    ${LABOR_GRPCPP_INCLUDE_DIR}/grpcpp/*.h ${LABOR_GRPCPP_INCLUDE_DIR}/grpc/*.h
    ${LABOR_GRPCPP_INCLUDE_DIR}/grpc++/*.h)
  foreach(header ${headers})
    _labor_fence_header(${header})
  endforeach()
  # The fence must actually stop a gRPC include; fail loudly if it does not
  # (e.g. gRPC found through a path searched before ours).
  file(WRITE ${PROJECT_BINARY_DIR}/grpc_fence_probe.cc
    "#include <grpcpp/support/status.h>\nint main() { return 0; }\n")
  try_compile(LABOR_GRPC_FENCE_LEAKS ${PROJECT_BINARY_DIR}/grpc_fence_probe
    SOURCES ${PROJECT_BINARY_DIR}/grpc_fence_probe.cc
    CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${LABOR_GRPC_FENCE_DIR};${dirs}")
  if(LABOR_GRPC_FENCE_LEAKS)
    message(FATAL_ERROR "the gRPC fence in ${LABOR_GRPC_FENCE_DIR} does not stop a gRPC include")
  endif()
endfunction()

# Fences the generated gRPC stubs of `protos` (paths relative to protos/).
function(labor_fence_grpc_stubs)
  foreach(proto ${ARGN})
    string(REGEX REPLACE "\\.proto$" ".grpc.pb.h" header ${proto})
    _labor_fence_header(${header})
  endforeach()
endfunction()

# Marks `target` as domain code: compiled behind the fence, link-checked.
function(labor_domain_library target)
  target_include_directories(${target} BEFORE PRIVATE ${LABOR_GRPC_FENCE_DIR})
  set_property(GLOBAL APPEND PROPERTY LABOR_DOMAIN_TARGETS ${target})
endfunction()

# Depth-first over LINK_LIBRARIES / INTERFACE_LINK_LIBRARIES; sets `out` to
# the chain "a -> b -> gRPC::grpc++" of the first gRPC library reached, or "".
function(_labor_find_grpc_link item chain out)
  # $<LINK_ONLY:x> and similar wrappers name a library all the same.
  string(REGEX REPLACE "^\\$<[A-Z_]+:(.*)>$" "\\1" item "${item}")
  if(item MATCHES "^gRPC::" OR item MATCHES "(^|/|lib)grpc(\\+\\+|pp)?([._].*)?$"
     OR item STREQUAL "labor_protos")
    set(${out} "${chain} -> ${item}" PARENT_SCOPE)
    return()
  endif()
  if(NOT TARGET ${item})
    set(${out} "" PARENT_SCOPE)
    return()
  endif()
  get_property(seen GLOBAL PROPERTY _LABOR_LINK_SEEN)
  if(item IN_LIST seen)
    set(${out} "" PARENT_SCOPE)
    return()
  endif()
  set_property(GLOBAL APPEND PROPERTY _LABOR_LINK_SEEN ${item})
  get_target_property(aliased ${item} ALIASED_TARGET)
  if(aliased)
    _labor_find_grpc_link(${aliased} "${chain}" found)
    set(${out} "${found}" PARENT_SCOPE)
    return()
  endif()
  set(deps "")
  get_target_property(type ${item} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(direct ${item} LINK_LIBRARIES)
    if(direct)
      list(APPEND deps ${direct})
    endif()
  endif()
  get_target_property(iface ${item} INTERFACE_LINK_LIBRARIES)
  if(iface)
    list(APPEND deps ${iface})
  endif()
  foreach(dep ${deps})
    _labor_find_grpc_link("${dep}" "${chain} -> ${item}" found)
    if(found)
      set(${out} "${found}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

# Call once, after every target is defined.
function(labor_check_domain_links)
  get_property(targets GLOBAL PROPERTY LABOR_DOMAIN_TARGETS)
  foreach(target ${targets})
    set_property(GLOBAL PROPERTY _LABOR_LINK_SEEN "")
    get_target_property(direct ${target} LINK_LIBRARIES)
    get_target_property(iface ${target} INTERFACE_LINK_LIBRARIES)
    foreach(dep ${direct} ${iface})
      if(dep)
        _labor_find_grpc_link("${dep}" "${target}" found)
        if(found)
          message(FATAL_ERROR "domain library ${target} links gRPC: ${found}\n"
            "Domain code stays gRPC-free; the adapter goes in the service's *_grpc library "
            "(see DESIGN.md, Layering).")
        endif()
      endif()
    endforeach()
  endforeach()
endfunction()

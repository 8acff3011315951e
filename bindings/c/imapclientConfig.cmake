# CMake package of libimapclient, installed in <prefix>/lib/cmake/imapclient.
#
#   find_package(imapclient 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE imapclient::imapclient)
#
# imapclient::imapclient is the shared library (libimapclient.so.0); set
# IMAPCLIENT_USE_STATIC to ON before find_package for the static one.
# Relocatable: paths are found relative to this file.
cmake_minimum_required(VERSION 3.16)
include(CMakeFindDependencyMacro)

get_filename_component(_imapc_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

if(NOT TARGET imapclient::imapclient)
    if(IMAPCLIENT_USE_STATIC)
        find_dependency(Threads)
        add_library(imapclient::imapclient STATIC IMPORTED)
        set_target_properties(imapclient::imapclient PROPERTIES
            IMPORTED_LOCATION "${_imapc_prefix}/lib/libimapclient.a"
            IMPORTED_LINK_INTERFACE_LANGUAGES C
            # rustc --print native-static-libs, as in imapclient.pc
            INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
    else()
        add_library(imapclient::imapclient SHARED IMPORTED)
        set_target_properties(imapclient::imapclient PROPERTIES
            IMPORTED_LOCATION "${_imapc_prefix}/lib/libimapclient.so.0"
            IMPORTED_SONAME "libimapclient.so.0")
    endif()
    set_target_properties(imapclient::imapclient PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${_imapc_prefix}/include")
endif()

set(imapclient_FOUND TRUE)
unset(_imapc_prefix)

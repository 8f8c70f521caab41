# Configures and builds the project again with the MinGW-w64 toolchains, as external
# projects of the native build, and adds the 64-bit build's tests (run under Wine) to
# the native build's CTest run.
include(ExternalProject)

set(DDP_DEPS_DIR "/opt/ddpbackup-deps" CACHE PATH "Where scripts/bootstrap.sh put MinGW CMocka")
set(DDP_MINGW_TRIPLETS "x86_64-w64-mingw32;i686-w64-mingw32" CACHE STRING "MinGW builds to make")

foreach(triplet IN LISTS DDP_MINGW_TRIPLETS)
    if(triplet STREQUAL "x86_64-w64-mingw32")
        set(wine_tests ON)
    else()
        set(wine_tests OFF)   # Debian's wine64 alone runs no 32-bit programs
    endif()
    ExternalProject_Add(${triplet}
        SOURCE_DIR ${PROJECT_SOURCE_DIR}
        BINARY_DIR ${CMAKE_BINARY_DIR}/${triplet}
        CMAKE_ARGS
            -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchain-${triplet}.cmake
            -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
            -DCMOCKA_ROOT=${DDP_DEPS_DIR}/${triplet}
            -DDDP_WINE_TESTS=${wine_tests}
        BUILD_ALWAYS ON
        INSTALL_COMMAND ""
        USES_TERMINAL_CONFIGURE ON
        USES_TERMINAL_BUILD ON)
    if(wine_tests)
        file(APPEND ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake.new "subdirs(\"${CMAKE_BINARY_DIR}/${triplet}\")\n")
    endif()
endforeach()
if(EXISTS ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake.new)
    file(RENAME ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake.new ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake)
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake)
endif()

# Configures and builds the project again with the MinGW-w64 toolchains, as external
# projects of the native build, and adds both builds' tests (run under Wine: wine64.* and
# wine32.*) to the native build's CTest run. The 32-bit ones need Debian's wine32:i386; where
# scripts/bootstrap.sh could not install it, one skipped test (wine32.NOT_RUN_no_32bit_wine)
# stands for them and prints the apt error.
include(ExternalProject)

set(DDP_DEPS_DIR "/opt/ddpbackup-deps" CACHE PATH "Where scripts/bootstrap.sh put MinGW CMocka")
set(DDP_MINGW_TRIPLETS "x86_64-w64-mingw32;i686-w64-mingw32" CACHE STRING "MinGW builds to make")

foreach(triplet IN LISTS DDP_MINGW_TRIPLETS)
    set(wine_tests ON)
    ExternalProject_Add(${triplet}
        SOURCE_DIR ${PROJECT_SOURCE_DIR}
        BINARY_DIR ${CMAKE_BINARY_DIR}/${triplet}
        CMAKE_ARGS
            -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchain-${triplet}.cmake
            -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
            -DCMOCKA_ROOT=${DDP_DEPS_DIR}/${triplet}
            -DDDP_WINE_TESTS=${wine_tests}
            -DDDP_WINE32_STATUS=${DDP_DEPS_DIR}/wine32-status
        BUILD_ALWAYS ON
        INSTALL_COMMAND ""
        USES_TERMINAL_CONFIGURE ON
        USES_TERMINAL_BUILD ON)
    if(triplet STREQUAL "i686-w64-mingw32" AND NOT EXISTS /usr/lib/wine/wine)
        # Not silently absent: one test that reports as skipped and prints why.
        add_test(NAME wine32.NOT_RUN_no_32bit_wine
                 COMMAND sh ${PROJECT_SOURCE_DIR}/tests/wine/wine32-missing.sh ${DDP_DEPS_DIR}/wine32-status)
        set_tests_properties(wine32.NOT_RUN_no_32bit_wine PROPERTIES SKIP_RETURN_CODE 77)
        message(WARNING "32-bit Wine (wine32:i386) is not installed: the 32-bit DLL's tests will not run")
    elseif(wine_tests)
        file(APPEND ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake.new "subdirs(\"${CMAKE_BINARY_DIR}/${triplet}\")\n")
    endif()
endforeach()
if(EXISTS ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake.new)
    file(RENAME ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake.new ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake)
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${CMAKE_BINARY_DIR}/ddp_mingw_tests.cmake)
endif()

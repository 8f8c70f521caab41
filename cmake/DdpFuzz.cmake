# DdpFuzz.cmake - the DDP_FUZZ option: libFuzzer harnesses for the parsers, decoders and
# the restore engine (tests/fuzz). Needs clang and a native build:
#   CC=clang cmake -S . -B build-fuzz -DDDP_FUZZ=ON -DDDP_BUILD_MINGW=OFF
# Included from the top-level CMakeLists.txt before the engine is added, it instruments the
# whole build (coverage for the fuzzer, AddressSanitizer and UBSan everywhere). Included
# later (from tests/fuzz only), ddp_fuzz_instrument_engine() instruments the engine alone.
# Guarded per directory, so that tests/fuzz and tests/reliability both see DDP_FUZZ_ACTIVE.
include_guard(DIRECTORY)

option(DDP_FUZZ "Build the libFuzzer harnesses (clang, native only) and the 'fuzz' CTest label" OFF)

set(DDP_FUZZ_COMPILE_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=all -g)
set(DDP_FUZZ_LINK_FLAGS -fsanitize=address,undefined)

set(DDP_FUZZ_ACTIVE OFF)
if(DDP_FUZZ)
    if(WIN32 OR CMAKE_CROSSCOMPILING)
        message(STATUS "DDP_FUZZ ignored in a cross build")
    elseif(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "DDP_FUZZ=ON needs clang (configure with CC=clang), not ${CMAKE_C_COMPILER_ID}")
    else()
        set(DDP_FUZZ_ACTIVE ON)
    endif()
endif()

# Included before any target exists: instrument everything built after this point.
if(DDP_FUZZ_ACTIVE AND NOT TARGET ddp_engine)
    add_compile_options(${DDP_FUZZ_COMPILE_FLAGS})
    add_link_options(${DDP_FUZZ_LINK_FLAGS})
    set(DDP_FUZZ_GLOBAL ON)
endif()

# Instruments the engine's libraries, every layer (when the whole build is not already
# instrumented), so that the fuzzer sees the engine's coverage and the sanitizers check
# its memory accesses.
function(ddp_fuzz_instrument_engine)
    if(DDP_FUZZ_GLOBAL)
        return()
    endif()
    get_property(layers GLOBAL PROPERTY DDP_ENGINE_LAYERS)
    foreach(l ${layers})
        target_compile_options(${l} PRIVATE ${DDP_FUZZ_COMPILE_FLAGS})
    endforeach()
    target_link_options(ddp_engine INTERFACE ${DDP_FUZZ_LINK_FLAGS})
endfunction()

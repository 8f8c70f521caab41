# DdpEngineLayers.cmake - enforces the engine's layers (src/engine/CMakeLists.txt). Included
# there once the layers are defined: writes their table for check_engine_layers.cmake,
# which then runs before ddp_base is built (so every build checks the #include lines of
# src/engine and include/ddp) and as the CTest test native.engine_layers, which also checks
# the symbols each built layer library refers to.
set(_manifest ${CMAKE_BINARY_DIR}/engine_layers_manifest.cmake)
set(_text "# Written by cmake/DdpEngineLayers.cmake from src/engine/CMakeLists.txt.\n")
file(RELATIVE_PATH _engine ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
string(APPEND _text "set(LAYERS ${DDP_ENGINE_LAYERS})\nset(PUBLIC_DIR include/ddp)\nset(ENGINE_DIR ${_engine})\n")
foreach(_l ${DDP_ENGINE_LAYERS})
    set(_dirs "")
    foreach(_d ${DDP_LAYER_${_l}_DIRS})
        list(APPEND _dirs ${_engine}/${_d})
    endforeach()
    string(APPEND _text "set(LAYER_${_l}_DIRS ${_dirs})\n"
                        "set(LAYER_${_l}_USES ${DDP_LAYER_${_l}_USES})\n"
                        "set(LAYER_${_l}_HEADERS ${DDP_LAYER_${_l}_HEADERS})\n"
                        "set(LAYER_${_l}_EXPORTS_DIR ${DDP_LAYER_${_l}_EXPORTS_DIR})\n")
endforeach()
# The platform back ends: one source per platform, the build picks which.
string(APPEND _text "set(PLATFORM_FILES ${_engine}/thread/thread_posix.c ${_engine}/thread/thread_win32.c"
                    " ${_engine}/hash/hash_openssl.c ${_engine}/hash/hash_bcrypt.c)\n")
string(APPEND _text "set(PLATFORM_HEADERS windows.h winbase.h bcrypt.h direct.h io.h unistd.h pthread.h"
                    " \"openssl/.*\" \"sys/.*\")\n")
file(CONFIGURE OUTPUT ${_manifest} CONTENT "${_text}")

set(_check ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DMANIFEST=${_manifest}
    -P ${PROJECT_SOURCE_DIR}/cmake/check_engine_layers.cmake)
add_custom_target(ddp_engine_layer_check COMMAND ${_check}
                  COMMENT "Engine layers: checking #include lines" VERBATIM)
add_dependencies(ddp_base ddp_engine_layer_check)
# The test also reads the built libraries' symbols (nm): the link-level side of the table.
# engine_layers_rejects_link drops one edge the code needs and must fail.
if(NOT CMAKE_CROSSCOMPILING AND DDP_RUN_TESTS AND CMAKE_NM)
    set(_libs "")
    foreach(_l ${DDP_ENGINE_LAYERS})
        list(APPEND _libs -DLIB_${_l}=$<TARGET_FILE:${_l}>)
    endforeach()
    set(_check_nm ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DMANIFEST=${_manifest} -DNM=${CMAKE_NM}
        ${_libs} -P ${PROJECT_SOURCE_DIR}/cmake/check_engine_layers.cmake)
    add_test(NAME ${DDP_TEST_PREFIX}engine_layers COMMAND ${_check_nm})
    set_tests_properties(${DDP_TEST_PREFIX}engine_layers PROPERTIES LABELS unit TIMEOUT 120)
    list(INSERT _check_nm 1 -DDROP=ddp_store_builder:ddp_hash)
    add_test(NAME ${DDP_TEST_PREFIX}engine_layers_rejects_link COMMAND ${_check_nm})
    set_tests_properties(${DDP_TEST_PREFIX}engine_layers_rejects_link PROPERTIES LABELS unit TIMEOUT 120
        PASS_REGULAR_EXPRESSION "ddp_store_builder refers to ddp_[a-z_]+, defined in ddp_hash, a layer ddp_store_builder does not use")
endif()
# For code outside src/engine that treats every layer alike (DdpFuzz.cmake instruments them).
set_property(GLOBAL PROPERTY DDP_ENGINE_LAYERS ${DDP_ENGINE_LAYERS})

# expect_layer_violations.cmake - runs check_engine_layers.cmake on layers_bad/ (a table
# and files with violations on purpose) and fails unless it fails reporting exactly these:
#   cmake -DCHECK=<check_engine_layers.cmake> -DFIXTURE=<layers_bad> -P expect_layer_violations.cmake
set(expected
    "include/ddp/low.h: includes include/ddp/high.h of high, a layer low does not use"
    "engine/low/low.c: includes include/ddp/high.h of high, a layer low does not use"
    "engine/low/low.c: includes \"high_private.h\" of high, a layer low does not use"
    "engine/low/low.c: includes \"../high/high_private.h\", which is in no folder of layer low"
    "engine/low/low.c: includes <windows.h>, a platform header, and is no platform back end"
    "engine/low/low.c: reads the environment or looks for Wine"
    "engine/low/low.c: tests the platform (#ifdef _WIN32) and is no platform back end"
    "engine/high/high.c: includes include/ddp/orphan.h, which no layer owns"
    "engine/high/high.c: includes \"mid_private.h\", private to mid"
    "include/ddp/orphan.h: owned by no layer"
    "engine/orphan: a folder of the engine that no layer names"
    "engine/loose.c: a source outside the layers' folders")
execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${FIXTURE} -DMANIFEST=${FIXTURE}/manifest.cmake -P ${CHECK}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(rc EQUAL 0)
    message(FATAL_ERROR "the check passed a tree with violations:\n${all}")
endif()
list(LENGTH expected n)
if(NOT all MATCHES "engine layers: ${n} violation\\(s\\)")
    message(FATAL_ERROR "expected ${n} violations:\n${all}")
endif()
foreach(e ${expected})
    string(FIND "${all}" "${e}" at)
    if(at LESS 0)
        message(FATAL_ERROR "not reported: ${e}\n${all}")
    endif()
endforeach()
message(STATUS "all ${n} violations reported")

# run_expect.cmake - runs one ddp-inspect command and checks its exit status, that its
# output (stdout and stderr together) matches a regular expression, and optionally that
# stdout is JSON with a given member value. Used by the inspect tests in CMakeLists.txt.
#   -DEMULATOR=... (may be empty) -DTOOL=... -DARGS=a^^b^^c -DEXPECT_RC=0|1|2
#   -DEXPECT_RE=regex [-DJSON_GET=member^^member=value]
string(REPLACE "^^" ";" args "${ARGS}")
execute_process(COMMAND ${EMULATOR} ${TOOL} ${args}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT "${rc}" STREQUAL "${EXPECT_RC}")
    message(FATAL_ERROR "exit status ${rc}, expected ${EXPECT_RC}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT_RE}")
    message(FATAL_ERROR "output does not match '${EXPECT_RE}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED JSON_GET AND NOT JSON_GET STREQUAL "")
    string(FIND "${JSON_GET}" "=" eq REVERSE)
    string(SUBSTRING "${JSON_GET}" 0 ${eq} path)
    math(EXPR vstart "${eq} + 1")
    string(SUBSTRING "${JSON_GET}" ${vstart} -1 expected)
    string(REPLACE "^^" ";" path "${path}")
    string(JSON value ERROR_VARIABLE jerr GET "${out}" ${path})
    if(jerr)
        message(FATAL_ERROR "JSON: ${jerr}\nstdout:\n${out}")
    endif()
    if(NOT "${value}" STREQUAL "${expected}")
        message(FATAL_ERROR "JSON ${path} is '${value}', expected '${expected}'")
    endif()
endif()
message(STATUS "ok: ${TOOL} ${args}")

# tests/standalone/expect_refused.cmake — compile SOURCE with MELD_TRY_INLINE_FORMS; pass only if the compiler
# refuses it with the gcc 12 message EXPECTED times (once per form), i.e. no form slipped through.
execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -DMELD_TRY_INLINE_FORMS -I${INCLUDE} ${SOURCE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCHALL "static assertion failed: gcc 12 destroys an aggregate temporary" hits "${err}")
list(LENGTH hits n)
if(rc EQUAL 0)
  message(FATAL_ERROR "the inline forms compiled on this gcc 12: they would crash at run time")
endif()
if(NOT n EQUAL EXPECTED)
  message(FATAL_ERROR "expected ${EXPECTED} refusals with the gcc 12 message, got ${n}:\n${err}")
endif()
message(STATUS "gcc 12: ${n} inline forms refused with the guard's message")

# tests/package/run.cmake — install meld-cpp from BUILD into WORK/prefix, then build and run the consumer.
#   cmake -DSOURCE=... -DBUILD=... -DWORK=... -DCXX=... -DGENERATOR=... -P run.cmake
file(REMOVE_RECURSE ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix --component Unspecified)
if(NOT EXISTS ${WORK}/prefix/include/meld/meld.hpp)
  message(FATAL_ERROR "the headers were not installed")
endif()
run(${CMAKE_COMMAND} -S ${SOURCE}/tests/package -B ${WORK}/consumer -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${WORK}/prefix)
run(${CMAKE_COMMAND} --build ${WORK}/consumer)
run(${WORK}/consumer/consumer)

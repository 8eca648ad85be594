# Installs minima into a temporary prefix, then configures, builds and runs
# examples/custom_layer from a temporary copy against that prefix only:
# proof that an out-of-tree layer needs nothing but the installed public API.
#   cmake -DMINIMA_BUILD_DIR=... -DMINIMA_SOURCE_DIR=... -DWORK_DIR=... [-DSANITIZE=ON] -P test_install.cmake
# SANITIZE: the installed library is built with ASan + UBSan, so the example
# must be too (the ASan runtime has to come first in the program).
foreach(var MINIMA_BUILD_DIR MINIMA_SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "test_install.cmake: -D${var}=... is required")
  endif()
endforeach()

function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${step}:\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${step} failed (exit ${rc}): ${ARGN}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(source ${WORK_DIR}/custom_layer)
set(build ${WORK_DIR}/build)

run("install" ${CMAKE_COMMAND} --install ${MINIMA_BUILD_DIR} --prefix ${prefix})
# A copy, so nothing can reach into minima's source tree by a relative path.
file(COPY ${MINIMA_SOURCE_DIR}/examples/custom_layer/ DESTINATION ${source})
set(sanitizers "")
if(SANITIZE)
  set(sanitizers "-fsanitize=address,undefined")
endif()
run("configure" ${CMAKE_COMMAND} -S ${source} -B ${build} -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH=${prefix} "-DCMAKE_CXX_FLAGS=-Werror ${sanitizers}" "-DCMAKE_EXE_LINKER_FLAGS=${sanitizers}")
run("build" ${CMAKE_COMMAND} --build ${build} -j2)
run("gradient check" ${build}/test_layernorm)
file(REMOVE_RECURSE ${WORK_DIR})

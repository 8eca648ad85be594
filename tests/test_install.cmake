# Installs minima into a temporary prefix, then configures, builds and runs
# examples/custom_layer and examples/cpp_api from temporary copies against
# that prefix only: proof that an out-of-tree layer and program need nothing
# but the installed public API (#include <minima/...>), and that the
# installed `minima` loads the layer as a plugin.
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
set(sanitizers "")
if(SANITIZE)
  set(sanitizers "-fsanitize=address,undefined")
endif()

run("install" ${CMAKE_COMMAND} --install ${MINIMA_BUILD_DIR} --prefix ${prefix})

# Copies, so nothing can reach into minima's source tree by a relative path.
function(build_example name)
  set(source ${WORK_DIR}/${name})
  set(build ${WORK_DIR}/build_${name})
  file(COPY ${MINIMA_SOURCE_DIR}/examples/${name}/ DESTINATION ${source})
  run("configure ${name}" ${CMAKE_COMMAND} -S ${source} -B ${build} -DCMAKE_BUILD_TYPE=Release
      -DCMAKE_PREFIX_PATH=${prefix} "-DCMAKE_CXX_FLAGS=-Werror ${sanitizers}"
      "-DCMAKE_EXE_LINKER_FLAGS=${sanitizers}" "-DCMAKE_MODULE_LINKER_FLAGS=${sanitizers}")
  run("build ${name}" ${CMAKE_COMMAND} --build ${build} -j2)
endfunction()

build_example(custom_layer)
run("gradient check" ${WORK_DIR}/build_custom_layer/test_layernorm)
execute_process(COMMAND ${prefix}/bin/minima --plugin ${WORK_DIR}/build_custom_layer/liblayernorm_plugin.so layers
                RESULT_VARIABLE rc OUTPUT_VARIABLE layers ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT layers MATCHES "\nlayernorm\n")
  message(FATAL_ERROR "installed minima --plugin liblayernorm_plugin.so layers (exit ${rc}):\n${layers}${err}")
endif()
build_example(cpp_api)
run("cpp_api example" ${WORK_DIR}/build_cpp_api/cpp_api_mlp)
file(REMOVE_RECURSE ${WORK_DIR})

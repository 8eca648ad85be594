# Installs minima into a temporary prefix, then configures, builds and runs
# examples/custom_layer, examples/custom_measurement and examples/cpp_api
# from temporary copies against that prefix only: proof that an out-of-tree
# layer, measurement and program need nothing but the installed public API
# (#include <minima/...>), and that the installed `minima` loads the layer
# and the measurement as plugins.
#   cmake -DMINIMA_BUILD_DIR=... -DMINIMA_SOURCE_DIR=... -DWORK_DIR=... -DWRITE_BLOBS=... [-DSANITIZE=ON] -P test_install.cmake
# WRITE_BLOBS: tests/tools/write_blobs.cpp built, for the measurement's tiny comparison.
# SANITIZE: the installed library is built with ASan + UBSan, so the example
# must be too (the ASan runtime has to come first in the program).
foreach(var MINIMA_BUILD_DIR MINIMA_SOURCE_DIR WORK_DIR WRITE_BLOBS)
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

# Stops the test unless `text` (what `what` wrote) contains `expected`.
function(expect_in what text expected)
  string(FIND "${text}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what} lacks \"${expected}\":\n${text}")
  endif()
endfunction()

# The measurement plugin on a tiny comparison (two blobs, a tanh MLP with
# and without BN, 40 steps): "mean_abs_activation" in all three outputs.
build_example(custom_measurement)
set(blobs ${WORK_DIR}/blobs)
file(MAKE_DIRECTORY ${blobs})
run("write blobs" ${WRITE_BLOBS} ${blobs})
file(WRITE ${blobs}/compare.json [=[{"base": "base.json", "mean_abs_activation": true,
  "variants": {"without BN": {"model.batchnorm": false}, "with BN": {}}}]=])
execute_process(COMMAND ${prefix}/bin/minima --plugin ${WORK_DIR}/build_custom_measurement/libmean_abs_activation.so
                        compare ${blobs}/compare.json --quiet --out ${blobs}/out
                RESULT_VARIABLE rc OUTPUT_VARIABLE terminal ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "installed minima --plugin libmean_abs_activation.so compare (exit ${rc}):\n${terminal}${err}")
endif()
expect_in("the terminal" "${terminal}" "mean |activation| of each hidden layer at the end")
string(REGEX MATCH "\nwith BN +[0-9]\\.[0-9][0-9][0-9] +[0-9]\\.[0-9][0-9][0-9]\n" row "${terminal}")
if(row STREQUAL "")
  message(FATAL_ERROR "the terminal has no row 'with BN' of two mean |activation| values:\n${terminal}")
endif()
expect_in("the terminal" "${terminal}" "Mean |activation| of tanh2 at the end: with BN ")
# summary.json: per seed the layers and the points (after steps 10, 20 and
# 40); per variant the aggregate, whose median of one seed is its last value.
file(READ ${blobs}/out/summary.json summary)
string(JSON result GET "${summary}" variants 1 seeds 0 measures mean_abs_activation)
string(JSON layer GET "${result}" layers 1)
string(JSON points LENGTH "${result}" points)
string(JSON last_step GET "${result}" points 2 step)
string(JSON last GET "${result}" points 2 values 1)
string(JSON median GET "${summary}" variants 1 aggregate mean_abs_activation tanh2 median value)
if(NOT layer STREQUAL "tanh2" OR NOT points EQUAL 3 OR NOT last_step EQUAL 40 OR NOT last STREQUAL median
   OR NOT last GREATER 0)
  message(FATAL_ERROR "summary.json: layer ${layer}, ${points} points, last at step ${last_step}: "
                      "${last}, aggregate median ${median}:\n${summary}")
endif()
file(READ ${blobs}/out/report.html report)
expect_in("report.html" "${report}" "<h2>Mean |activation| of the hidden layers</h2>")
# Without the plugin the key is one minima does not know: refused before training.
execute_process(COMMAND ${prefix}/bin/minima compare ${blobs}/compare.json --quiet --out ${blobs}/refused
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
expect_in("minima compare without the plugin" "${out}${err}" "/mean_abs_activation: unknown key")
if(rc EQUAL 0 OR EXISTS ${blobs}/refused)
  message(FATAL_ERROR "minima compare without the plugin: exit ${rc}, ${blobs}/refused written")
endif()

build_example(cpp_api)
run("cpp_api example" ${WORK_DIR}/build_cpp_api/cpp_api_mlp)
file(REMOVE_RECURSE ${WORK_DIR})

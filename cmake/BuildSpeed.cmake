# How minima builds fast (docs/building.md): each target's sources compiled
# in batches (unity builds), the large third-party headers precompiled, and
# every compile passed through ccache when it is installed. That every
# source still compiles on its own, so that a missing include cannot hide
# behind another file's, scripts/check-includes.sh checks with both off.
option(MINIMA_UNITY_BUILD "Compile each target's sources in batches" ON)
option(MINIMA_PRECOMPILE_HEADERS "Precompile nlohmann/json, CLI11, doctest and the standard headers" ON)
option(MINIMA_CCACHE "Compile through ccache when it is installed" ON)

set(CMAKE_UNITY_BUILD ${MINIMA_UNITY_BUILD})
set(CMAKE_UNITY_BUILD_BATCH_SIZE 12)

# The standard headers most of minima's sources include.
set(MINIMA_COMMON_HEADERS <algorithm> <cmath> <cstdint> <filesystem> <functional> <map> <memory>
                          <stdexcept> <string> <vector> <nlohmann/json.hpp>)

# minima_precompile(TARGET HEADER...): precompile these headers for TARGET.
function(minima_precompile target)
  if(MINIMA_PRECOMPILE_HEADERS)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# ccache keyed on paths relative to the source tree (base_dir, no hash of the
# working directory), so that a clone in another folder hits the cache of
# an earlier one; the sloppiness it needs for precompiled headers.
find_program(MINIMA_CCACHE_PROGRAM ccache)
if(MINIMA_CCACHE AND MINIMA_CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${MINIMA_CCACHE_PROGRAM})
endif()

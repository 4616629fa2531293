# libFuzzer targets for every parser of outside input. Each target is
# registered twice with CTest: replaying its corpus (fuzz/corpus/NAME), and
# fuzzing briefly from a scratch copy of it (PORTLENS_FUZZ_SECONDS).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "PORTLENS_FUZZ needs clang (CXX=clang++)")
endif()
set(PORTLENS_FUZZ_SECONDS 15 CACHE STRING "seconds each target fuzzes in the test run")
target_compile_options(portlens_base PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
enable_testing()
file(GLOB PORTLENS_FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cc)
foreach(source ${PORTLENS_FUZZ_TARGETS})
  get_filename_component(name ${source} NAME_WE)
  add_executable(${name} ${source})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE portlens_base)
  set(corpus ${CMAKE_SOURCE_DIR}/fuzz/corpus/${name})
  add_test(NAME ${name}_replay COMMAND ${name} -runs=0 ${corpus})
  add_test(NAME ${name}_fuzz COMMAND ${CMAKE_SOURCE_DIR}/fuzz/run-fuzzer.sh
           $<TARGET_FILE:${name}> ${corpus} ${PORTLENS_FUZZ_SECONDS})
endforeach()

# Unit tests sit beside the code as *_test.cc; CLI and knowledge-base tests
# live in tests/. Each test case is its own CTest test (gtest_discover_tests).
find_package(GTest REQUIRED)
include(GoogleTest)

file(GLOB_RECURSE PORTLENS_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/*_test.cc)
add_executable(unit_tests ${PORTLENS_UNIT_TESTS} tests/kb_consistency_test.cc)
target_link_libraries(unit_tests PRIVATE portlens_lib GTest::gtest_main GTest::gmock)
target_precompile_headers(unit_tests PRIVATE <gtest/gtest.h> <fmt/format.h> <string> <vector>)
target_compile_definitions(unit_tests PRIVATE PORTLENS_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
gtest_discover_tests(unit_tests DISCOVERY_TIMEOUT 60)

add_executable(cli_tests tests/cli_test.cc)
target_link_libraries(cli_tests PRIVATE GTest::gtest_main nlohmann_json::nlohmann_json)
target_precompile_headers(cli_tests PRIVATE <gtest/gtest.h> <nlohmann/json.hpp>)
target_compile_definitions(cli_tests PRIVATE
  PORTLENS_BINARY="$<TARGET_FILE:portlens>" PORTLENS_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
add_dependencies(cli_tests portlens)
gtest_discover_tests(cli_tests DISCOVERY_TIMEOUT 60)

# Every msgid in the sources is in po/zh_CN.po and translated; the PO file is valid.
add_test(NAME po_catalog_complete
  COMMAND ${CMAKE_SOURCE_DIR}/tests/check-po.sh ${CMAKE_SOURCE_DIR})

# `make install` puts the binary, man page and completions where shells look.
add_test(NAME install_layout
  COMMAND ${CMAKE_SOURCE_DIR}/tests/check-install.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})

# `ls` against ground truth in network namespaces the tests create (root).
add_executable(ls_netns_tests tests/ls_netns_test.cc)
target_link_libraries(ls_netns_tests PRIVATE GTest::gtest_main nlohmann_json::nlohmann_json)
target_precompile_headers(ls_netns_tests PRIVATE <gtest/gtest.h> <nlohmann/json.hpp>)
target_compile_definitions(ls_netns_tests PRIVATE PORTLENS_BINARY="$<TARGET_FILE:portlens>")
add_dependencies(ls_netns_tests portlens)
gtest_discover_tests(ls_netns_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)

# `audit` against real services and real rulesets in a namespace (root).
add_executable(audit_netns_tests tests/audit_netns_test.cc)
target_link_libraries(audit_netns_tests PRIVATE GTest::gtest_main nlohmann_json::nlohmann_json)
target_precompile_headers(audit_netns_tests REUSE_FROM ls_netns_tests)
target_compile_definitions(audit_netns_tests PRIVATE PORTLENS_BINARY="$<TARGET_FILE:portlens>"
                           PORTLENS_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
add_dependencies(audit_netns_tests portlens)
gtest_discover_tests(audit_netns_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 240 RUN_SERIAL TRUE)

# The connect engine against ground truth: two namespaces, a veth pair, an
# nftables ruleset with drops, rejects and 3% loss (root).
add_executable(scan_netns_tests tests/scan_netns_test.cc)
target_link_libraries(scan_netns_tests PRIVATE portlens_base GTest::gtest_main)
gtest_discover_tests(scan_netns_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)

# Banner grabbing against real servers, and the -oX/-oG writers (their own files).
include(${CMAKE_SOURCE_DIR}/cmake/tests_banner.cmake)
include(${CMAKE_SOURCE_DIR}/cmake/tests_scan_output.cmake)

# `scan` from the command line in two named namespaces: a /24, names from
# /etc/netns/NAME/hosts, banners, -oX checked by xmllint and ndiff (root).
add_executable(scan_cli_netns_tests tests/scan_cli_netns_test.cc)
target_link_libraries(scan_cli_netns_tests PRIVATE GTest::gtest_main nlohmann_json::nlohmann_json)
target_precompile_headers(scan_cli_netns_tests REUSE_FROM ls_netns_tests)
target_compile_definitions(scan_cli_netns_tests PRIVATE PORTLENS_BINARY="$<TARGET_FILE:portlens>"
                           PORTLENS_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
add_dependencies(scan_cli_netns_tests portlens)
# One CTest test for the whole executable: the namespaces are built once.
add_test(NAME scan_cli_netns COMMAND scan_cli_netns_tests)
set_tests_properties(scan_cli_netns PROPERTIES TIMEOUT 420 RUN_SERIAL TRUE)

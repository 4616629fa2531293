# The -oX writer against nmap's own tools: every document it writes must
# validate against nmap.dtd (xmllint), and ndiff must read two scans and name
# exactly their differences. scripts/install-deps installs nmap, ndiff and
# libxml2-utils; when one is missing the tests fail rather than skip.
set(PORTLENS_NMAP_DTD /usr/share/nmap/nmap.dtd CACHE FILEPATH "nmap's DTD for validating -oX output")
add_executable(scan_output_tests tests/scan_output_test.cc)
target_link_libraries(scan_output_tests PRIVATE portlens_lib GTest::gtest_main)
target_compile_definitions(scan_output_tests PRIVATE PORTLENS_NMAP_DTD="${PORTLENS_NMAP_DTD}")
gtest_discover_tests(scan_output_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)

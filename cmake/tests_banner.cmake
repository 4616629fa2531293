# grab_banners against real servers (sshd, redis-server, python http.server,
# TLS servers, a hostile greeter) in a network namespace the test process
# makes for itself (root). Serial: its timing bounds assume an idle machine.
add_executable(banner_netns_tests tests/banner_netns_test.cc)
target_link_libraries(banner_netns_tests PRIVATE portlens_base GTest::gtest_main)
target_compile_definitions(banner_netns_tests PRIVATE PORTLENS_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
gtest_discover_tests(banner_netns_tests DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)

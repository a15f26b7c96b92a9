# REST-side web tests (time text, JSON codec, credentials, API handlers). The
# SSE tests live in sse.cmake.
bw_unit_test_binary(bw_web_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/pagination_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/json_codec_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/condition_codec_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/credentials_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/api_routes_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/session_auth_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/channel_routes_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/alert_edit_routes_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/alert_toml_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/alert_json_file_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/alert_message_routes_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sessions_backtest_test.cpp
  LIBS bw_web)
# The shipped example files are read from the source tree.
target_compile_definitions(bw_web_tests PRIVATE BW_PROJECT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# SSE stream server tests. The sources are compiled in directly so this binary
# does not depend on the rest of bw_web.
bw_unit_test_binary(bw_sse_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/sse_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tls_identity_test.cpp
    ${PROJECT_SOURCE_DIR}/web/sse_format.cpp
    ${PROJECT_SOURCE_DIR}/web/sse_session.cpp
    ${PROJECT_SOURCE_DIR}/web/sse_server.cpp
    ${PROJECT_SOURCE_DIR}/web/tls_identity.cpp
  LIBS bw_rules Boost::system OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
# tls_identity_test makes a throw-away CA with tests/support/make_test_ca.sh.
target_compile_definitions(bw_sse_tests PRIVATE BW_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

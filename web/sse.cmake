# The SSE stream server (Boost.Asio/Beast). Included by web/CMakeLists.txt,
# which adds these to bw_web and links Boost::system and Threads::Threads.
# Paths are relative to web/.
set(BW_SSE_SOURCES
  sse_format.cpp
  sse_session.cpp
  sse_server.cpp
)

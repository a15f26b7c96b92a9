// The dashboard's files (web/ui/), embedded into the binary at build time by
// web/embed_assets.cmake, so the server needs nothing on disk to serve them.
//
//   for (const UiAsset& a : ui_assets()) serve(a.path, a.content_type, a.bytes);
//
// Immutable static data; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace bw {

struct UiAsset {
  std::string_view path;  // "/index.html", "/app.js", ...
  std::string_view content_type;
  std::string_view bytes;
};

const std::vector<UiAsset>& ui_assets();

}  // namespace bw

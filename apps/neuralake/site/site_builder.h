// `neuralake site`: the static catalog website, written into one folder that
// works opened from disk (file://) and from any static file server.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metadata/catalog_json.h"

namespace neuralake::cli {

struct SiteOptions {
  std::string out_dir;
  // Write into a non-empty folder that an earlier site build did not create.
  bool force = false;
  CatalogJsonOptions metadata;
};

struct SiteResult {
  std::string out_dir;     // absolute
  std::string index_path;  // absolute path of index.html
  size_t tables = 0;
  size_t databases = 0;
  size_t bytes = 0;        // written, all files
  // "db.table: why" for tables whose schema or preview could not be read.
  std::vector<std::string> problems;
};

// Builds the site. Throws AlreadyExists naming the folder if it is not empty
// and was not made by a site build (unless force), IOError naming the path
// that cannot be written, and what catalog_metadata_json() throws. A failed
// build leaves an earlier site in the folder as it was.
SiteResult build_site(const std::vector<CatalogSource>& catalogs, const SiteOptions& options);

// The front end compiled into the binary: file name -> bytes.
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_site_files();

// The name of the marker file a site build leaves in its folder.
inline constexpr const char* kSiteMarker = ".neuralake-site";

}  // namespace neuralake::cli

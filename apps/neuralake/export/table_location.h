// Where another engine finds a table's files: the location a session resolves,
// made absolute, split into the directory an engine can be pointed at and
// the glob (if any) that narrowed it.
#pragma once

#include <string>

namespace neuralake::cli {

struct ExportLocation {
  // A directory URI ending in '/', or a single file. A path without a scheme
  // is made absolute ("/data/t/"); see file_uri() for engines that need "file:".
  std::string uri;
  bool is_file = false;       // the location names one file (".parquet", ".csv"...)
  bool is_local = false;      // on this machine's disk, not object storage
  std::string glob;           // the glob part the location had after `uri` ("*.parquet"); empty: none
};

// `resolved` is a location with "{warehouse}" already expanded (Session::
// resolve_location). A location ending in a file name with an extension is a
// file, a glob is cut at the directory before its first wildcard, anything
// else is a directory; with `directory`, always a directory (a Delta table's root).
ExportLocation export_location(const std::string& resolved, bool directory = false);

// True if the glob only selects files by extension ("*.parquet", "**/*.parquet"):
// what an engine reading the whole directory reads too.
bool glob_selects_extension_only(const std::string& glob);

// "file:///abs/path" for a local path, the URI unchanged otherwise.
std::string file_uri(const ExportLocation& location);

}  // namespace neuralake::cli

#include "site/site_builder.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "neuralake/error.h"

#ifndef NEURALAKE_VERSION
#define NEURALAKE_VERSION "dev"
#endif

namespace neuralake::cli {

namespace fs = std::filesystem;

namespace {

// A file of the site: its bytes in pieces, so that data.js and data.json
// share the one copy of the catalog's text.
struct SiteFile {
  std::string name;
  std::vector<std::string_view> pieces;
  size_t size() const {
    size_t n = 0;
    for (auto p : pieces) n += p.size();
    return n;
  }
};

void write_file(const fs::path& path, const SiteFile& file) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (auto p : file.pieces) out.write(p.data(), static_cast<std::streamsize>(p.size()));
  out.close();
  if (!out) throw Error(ErrorCode::IOError, path.string(), "cannot write '" + path.string() + "'");
}

// Writes the file beside `path` and renames it into place.
void replace_file(const fs::path& path, const SiteFile& bytes) {
  fs::path tmp = path;
  tmp += ".tmp-" + std::to_string(getpid());
  write_file(tmp, bytes);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(ErrorCode::IOError, path.string(), "cannot write '" + path.string() + "': " + ec.message());
  }
}

bool is_empty_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::directory_iterator(dir, ec) == fs::directory_iterator();
}

constexpr std::string_view kMarkerText = "neuralake " NEURALAKE_VERSION " catalog site\n";

// Every file of the site, by name; `text` must outlive them.
std::vector<SiteFile> site_files(const std::string& text) {
  std::vector<SiteFile> files;
  for (const auto& [name, bytes] : embedded_site_files()) files.push_back({std::string(name), {bytes}});
  files.push_back({"data.js", {"window.NEURALAKE_CATALOG = ", text, ";\n"}});
  files.push_back({"data.json", {text}});
  files.push_back({kSiteMarker, {kMarkerText}});
  return files;
}

}  // namespace

SiteResult build_site(const std::vector<CatalogSource>& catalogs, const SiteOptions& options) {
  if (options.out_dir.empty()) throw Error(ErrorCode::InvalidArgument, "--out", "the site needs an output folder (--out)");
  const fs::path out = fs::absolute(options.out_dir).lexically_normal();
  std::error_code ec;
  const bool exists = fs::exists(out, ec);
  if (exists && !fs::is_directory(out, ec))
    throw Error(ErrorCode::AlreadyExists, out.string(), "'" + out.string() + "' exists and is not a folder");
  const bool ours = exists && fs::exists(out / kSiteMarker, ec);
  if (exists && !ours && !is_empty_dir(out) && !options.force) {
    throw Error(ErrorCode::AlreadyExists, out.string(),
                "'" + out.string() + "' is not empty and was not made by `neuralake site`; "
                "choose another folder or pass --force to write into it");
  }

  // Everything is computed before the first byte is written.
  SiteResult result;
  CatalogSummary summary;
  std::string text = catalog_metadata_text(catalogs, options.metadata, &summary);
  result.out_dir = out.string();
  result.index_path = (out / "index.html").string();
  result.tables = summary.tables;
  result.databases = summary.databases;
  result.problems = std::move(summary.problems);
  auto files = site_files(text);

  if (!exists || ours || is_empty_dir(out)) {
    // A new folder, or one an earlier build made: build beside it, then swap,
    // so a failure leaves the earlier site whole.
    fs::path parent = out.parent_path();
    fs::create_directories(parent, ec);
    if (ec) throw Error(ErrorCode::IOError, parent.string(), "cannot create '" + parent.string() + "': " + ec.message());
    fs::path staging = parent / ("." + out.filename().string() + ".building-" + std::to_string(getpid()));
    fs::remove_all(staging, ec);
    fs::create_directory(staging, ec);
    if (ec) throw Error(ErrorCode::IOError, staging.string(), "cannot create '" + staging.string() + "': " + ec.message());
    try {
      for (const auto& file : files) {
        write_file(staging / file.name, file);
        result.bytes += file.size();
      }
    } catch (...) {
      fs::remove_all(staging, ec);
      throw;
    }
    fs::path old = parent / ("." + out.filename().string() + ".old-" + std::to_string(getpid()));
    if (exists) {
      fs::rename(out, old, ec);
      if (ec) {
        fs::remove_all(staging, ec);
        throw Error(ErrorCode::IOError, out.string(), "cannot replace '" + out.string() + "': " + ec.message());
      }
    }
    fs::rename(staging, out, ec);
    if (ec) {
      std::error_code ignored;
      if (exists) fs::rename(old, out, ignored);  // put the earlier site back
      fs::remove_all(staging, ignored);
      throw Error(ErrorCode::IOError, out.string(), "cannot write '" + out.string() + "': " + ec.message());
    }
    if (exists) fs::remove_all(old, ec);
  } else {
    // --force into a folder with other files: ours are replaced one by one,
    // the rest is left alone.
    for (const auto& file : files) {
      replace_file(out / file.name, file);
      result.bytes += file.size();
    }
  }
  return result;
}

}  // namespace neuralake::cli

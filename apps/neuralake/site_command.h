// `neuralake --catalog a.so [--catalog b.so …] site --out DIR`: the static
// catalog website of one or more catalogs.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "neuralake/catalog.h"
#include "neuralake/options.h"

namespace neuralake::cli {

// The options of `neuralake site`, filled by CLI11.
struct SiteCommand {
  CLI::App* site = nullptr;
  std::string out_dir;
  bool force = false;
  size_t preview_rows = 0;
  bool table_facts = false;
  bool no_infer = false;
  int64_t table_timeout_ms = 15000;
  std::string api_url = "http://127.0.0.1:8080";
};

void add_site_command(CLI::App& app, SiteCommand& command);

// Builds the site from `catalogs` (loaded from `plugins`, in that order),
// prints where to open it and any table whose schema or preview could not be
// read. `apply_flags` applies the command line's session settings to a
// catalog's options; `progress` draws a bar on stderr.
void run_site_command(std::ostream& out, const SiteCommand& command, const std::vector<Catalog>& catalogs,
                      const std::vector<std::string>& plugins,
                      const std::function<SessionOptions(const SessionOptions&)>& apply_flags, bool progress);

}  // namespace neuralake::cli

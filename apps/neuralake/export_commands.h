// `neuralake export roapi|trino|spark --out FILE`: the catalog's table
// definitions for ROAPI, Trino or Spark, written atomically.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "neuralake/catalog.h"
#include "neuralake/session.h"

namespace neuralake::cli {

// The options of `neuralake export FORMAT`, filled by CLI11.
struct ExportCommand {
  CLI::App* command = nullptr;  // `export`
  std::string format;           // roapi, trino or spark
  std::string out;              // a file, or "-" for stdout
  bool force = false;           // replace an existing file
  std::string trino_delta_catalog = "delta";
  std::string trino_hive_catalog = "hive";
  std::string s3_scheme = "s3a";
};

// Registers `export` on `app`.
void add_export_command(CLI::App& app, ExportCommand& command);

// Writes the export to `command.out` ("-": `out`) and one line per skipped
// table or caveat to `err`. `locations` resolves table locations (no data is
// read through it); `open_catalog_session` opens a session over the catalog,
// called only when a table's columns must be read. Throws InvalidArgument for
// an unknown format (with a suggestion), AlreadyExists naming the file when
// it exists and `force` is off, IOError naming the file when it cannot be
// written; what the exports throw otherwise. Nothing is written on failure.
void run_export(std::ostream& out, std::ostream& err, const ExportCommand& command, const Catalog& catalog,
                const Session& locations, const std::function<std::unique_ptr<Session>()>& open_catalog_session);

// Replaces nothing unless `replace`: writes `text` to a temporary file beside
// `path`, then moves it into place in one step. AlreadyExists naming `path`
// if it exists and `replace` is off; IOError naming it if it cannot be written.
void write_file_atomically(const std::string& path, const std::string& text, bool replace);

}  // namespace neuralake::cli

// The `neuralake` command: SQL over a catalog plugin (or over files by path),
// catalog documentation, sample and TPC-H data, from the terminal.
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/suggest.h"
#include "config_commands.h"
#include "delta_commands.h"
#include "exit_codes.h"
#include "export_commands.h"
#include "frame_writers.h"
#include "interrupt_watcher.h"
#include "metadata/catalog_json.h"
#include "neuralake/catalog.h"
#include "neuralake/generate.h"
#include "neuralake/plugin.h"
#include "neuralake/result_preview.h"
#include "neuralake/sample_data.h"
#include "neuralake/session.h"
#include "s3_commands.h"
#include "serve_command.h"
#include "site_command.h"
#include "table_docs.h"
#include "text/one_line.h"
#include "verify_command.h"

namespace nl = neuralake;

namespace {

// Options every command accepts, before or after the command name.
struct GlobalOptions {
  std::vector<std::string> catalogs;  // plugin paths; empty: no catalog
  // The one catalog plugin of commands that take one; empty: none.
  std::string catalog() const {
    if (catalogs.size() > 1)
      throw nl::Error(nl::ErrorCode::InvalidArgument, "--catalog",
                      "--catalog is given " + std::to_string(catalogs.size()) +
                          " times; only `site` combines several catalogs");
    return catalogs.empty() ? "" : catalogs.front();
  }
  std::optional<int> threads;
  std::optional<std::string> memory_limit;
  std::optional<std::string> spill_directory;
  std::optional<int64_t> timeout_ms;
};

nl::SessionOptions session_options(const GlobalOptions& g, const nl::SessionOptions& base) {
  nl::SessionOptions o = base;
  if (g.threads) o.threads = *g.threads;
  if (g.memory_limit) o.memory_limit = *g.memory_limit;
  if (g.spill_directory) o.spill_directory = *g.spill_directory;
  if (g.timeout_ms) o.query_timeout = std::chrono::milliseconds(*g.timeout_ms);
  return o;
}

std::optional<nl::Catalog> load_catalog(const GlobalOptions& g) {
  std::string path = g.catalog();
  if (path.empty()) return std::nullopt;
  return nl::load_catalog_plugin(path);
}

const nl::Catalog& require_catalog(const std::optional<nl::Catalog>& catalog, const std::string& command) {
  if (!catalog) {
    throw nl::Error(nl::ErrorCode::InvalidArgument, "--catalog",
                    "'" + command + "' needs a catalog: pass --catalog path/to/libcatalog.so or set NEURALAKE_CATALOG");
  }
  return *catalog;
}

// A session over the catalog if there is one, else over files by path.
std::unique_ptr<nl::Session> open_session(const GlobalOptions& g, const std::optional<nl::Catalog>& catalog) {
  if (catalog) return std::make_unique<nl::Session>(*catalog, session_options(g, catalog->options()));
  return std::make_unique<nl::Session>(session_options(g, nl::SessionOptions::from_environment()));
}

// Runs `work` with Ctrl-C wired to session.interrupt(). Ctrl-C makes the
// command fail with Cancelled even if the work finished in the meantime.
template <class F>
void interruptible(nl::Session& session, F&& work) {
  nl::cli::InterruptWatcher watcher([&session] { session.interrupt(); });
  try {
    work();
  } catch (const nl::Error& e) {
    if (watcher.interrupted()) throw nl::Error(nl::ErrorCode::Cancelled, "query", "interrupted (Ctrl-C)");
    throw;
  }
  if (watcher.interrupted()) throw nl::Error(nl::ErrorCode::Cancelled, "query", "interrupted (Ctrl-C)");
}

size_t terminal_width() {
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return nl::FormatOptions{}.table_width;
}

// A parse error for an unknown command, with a suggestion, else CLI11's own text.
std::string usage_message(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  std::vector<std::string> commands;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) commands.push_back(sub->get_name());
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') {
      // Skip the value of a global option that takes one.
      if (arg.find('=') == std::string::npos &&
          (arg == "--catalog" || arg == "--threads" || arg == "--memory-limit" || arg == "--spill-dir" ||
           arg == "--timeout"))
        ++i;
      continue;
    }
    if (std::find(commands.begin(), commands.end(), arg) != commands.end()) break;
    return "unknown command '" + arg + "'" + nl::did_you_mean(arg, commands) +
           " (see neuralake --help)";
  }
  return std::string(e.what()) + " (see neuralake --help)";
}

int run(int argc, char** argv) {
  CLI::App app{"neuralake: query a catalog of tables declared in C++ (a catalog plugin), or files by path."};
  app.name("neuralake");
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(
      "Environment:\n"
      "  NEURALAKE_CATALOG    catalog plugin to load when --catalog is not given\n"
      "  NEURALAKE_ENV        configuration profile: local (default), minio, production or one from the config "
      "file\n"
      "  NEURALAKE_CONFIG     profiles file (default ./neuralake.toml if present); see `neuralake config show`\n"
      "  NEURALAKE_WAREHOUSE  warehouse that {warehouse} in table locations expands to (default: the profile's)\n\n" +
      nl::cli::exit_code_help());

  GlobalOptions g;
  app.add_option("--catalog", g.catalogs,
                 "Catalog plugin (a shared library built with NEURALAKE_CATALOG_PLUGIN); `site` takes several")
      ->envname("NEURALAKE_CATALOG");
  app.add_option("--threads", g.threads, "Threads a query may use (0: all hardware threads)")->check(CLI::NonNegativeNumber);
  app.add_option("--memory-limit", g.memory_limit, "Memory a query may use before spilling, e.g. 4GB");
  app.add_option("--spill-dir", g.spill_directory, "Directory for data spilled to disk");
  app.add_option("--timeout", g.timeout_ms, "Cancel a query running longer than this many milliseconds (0: no limit)")
      ->check(CLI::NonNegativeNumber);

  auto* version = app.add_subcommand("version", "Print the versions of neuralake and its engine");

  auto* tables = app.add_subcommand("tables", "List the catalog's tables with their descriptions");

  std::string table_name;
  auto* describe = app.add_subcommand("describe", "Show a table's schema and documentation");
  describe->add_option("table", table_name, "Table as database.table, or a Delta table's root folder by path or URI")
      ->required();
  bool describe_json = false;
  describe->add_flag("--json", describe_json,
                     "Print the table's catalog metadata as JSON (the object the site and the API server use)");

  nl::cli::DeltaHistoryCommand delta_history;
  nl::cli::DeltaWriteCommand delta_write;
  nl::cli::add_delta_commands(app, delta_history, delta_write);

  nl::cli::ConfigCommand config_command;
  nl::cli::add_config_commands(app, config_command);
  nl::cli::VerifyCommand verify_command;
  nl::cli::add_verify_command(app, verify_command);
  nl::cli::S3Command s3_command;
  nl::cli::add_s3_commands(app, s3_command);
  nl::cli::SiteCommand site_command;
  nl::cli::add_site_command(app, site_command);
  nl::cli::ServeCommand serve_command;
  nl::cli::add_serve_command(app, serve_command);
  nl::cli::ExportCommand export_command;
  nl::cli::add_export_command(app, export_command);

  std::string query, format = "table";
  size_t max_rows = nl::FormatOptions{}.max_rows;
  auto* sql = app.add_subcommand("sql", "Run a SQL query and print the result");
  sql->add_option("query", query, "SQL; catalog tables are database.table, files are read_parquet('path') etc.")
      ->required();
  sql->add_option("--format,-f", format,
                  "table: Polars-style table; csv: CSV with a header; json: JSON Lines, one object per row")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  sql->add_option("--max-rows,-n", max_rows, "Rows the table format shows (first and last halves)")->capture_default_str();

  auto* sample = app.add_subcommand("sample-data", "Write the quickstart's sample data into the warehouse");

  nl::GenerateOptions gen;
  auto* generate = app.add_subcommand("generate", "Generate TPC-H-like Parquet data (lineitem, orders, part, supplier)");
  generate->add_option("--rows", gen.rows, "lineitem rows; the other tables scale with it")->required();
  generate->add_option("--out", gen.out_dir, "Output directory (default: {warehouse}/tpch)");
  generate->add_option("--seed", gen.seed, "Random seed; the same seed and rows give identical files")->capture_default_str();
  generate->add_flag("--partitioned", gen.partitioned, "Hive-partition lineitem by ship year");
  generate->add_option("--rows-per-file", gen.rows_per_file, "Rows per Parquet file")->capture_default_str();
  generate->add_option("--tables", gen.tables, "Tables to write (default: all four)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "neuralake: " << nl::cli::one_line(usage_message(app, e, argc, argv)) << "\n";
    return nl::cli::kExitUsage;
  }

  if (*version) {
    nl::Session session(session_options(g, nl::SessionOptions::from_environment()));
    nl::DataFrame v = session.sql("SELECT version() AS v");
    std::cout << "neuralake " << NEURALAKE_VERSION << "\n"
              << "engine: DuckDB " << v.value(0, 0).as<std::string>() << "\n"
              << "catalog plugin ABI: " << NEURALAKE_PLUGIN_ABI_VERSION << "\n";
    return nl::cli::kExitOk;
  }
  if (*generate) {
    if (g.threads) gen.threads = *g.threads;
    for (const auto& t : nl::generate_tpch(gen))
      std::cout << t.name << ": " << t.rows << " rows in " << t.files.size() << " file"
                << (t.files.size() == 1 ? "" : "s") << " under " << t.directory << "\n";
    return nl::cli::kExitOk;
  }

  // Neither needs the catalog loaded first: verify reports a plugin that fails.
  if (*config_command.show) {
    nl::cli::run_config_show(std::cout);
    return nl::cli::kExitOk;
  }
  if (*verify_command.verify) {
    bool ok = nl::cli::run_verify(std::cout, verify_command, g.catalog(),
                                  [&g](const nl::SessionOptions& base) { return session_options(g, base); });
    return ok ? nl::cli::kExitOk : nl::cli::kExitChecksFailed;
  }

  if (*s3_command.s3) {
    nl::Session session(session_options(g, nl::SessionOptions::from_environment()));
    nl::cli::run_s3_command(std::cout, s3_command, session, isatty(STDERR_FILENO) != 0);
    return nl::cli::kExitOk;
  }

  if (*site_command.site) {
    if (g.catalogs.empty()) require_catalog(std::nullopt, "site");
    std::vector<nl::Catalog> catalogs;
    for (const auto& path : g.catalogs) catalogs.push_back(nl::load_catalog_plugin(path));
    nl::cli::run_site_command(std::cout, site_command, catalogs, g.catalogs,
                              [&g](const nl::SessionOptions& base) { return session_options(g, base); },
                              isatty(STDERR_FILENO) != 0);
    return nl::cli::kExitOk;
  }

  std::optional<nl::Catalog> catalog = load_catalog(g);
  if (*serve_command.serve) {
    nl::cli::run_serve_command(std::cout, serve_command, require_catalog(catalog, "serve"), g.catalog(),
                               [&g](const nl::SessionOptions& base) { return session_options(g, base); });
    return nl::cli::kExitOk;
  }
  if (*tables) {
    nl::cli::write_table_list(std::cout, require_catalog(catalog, "tables"));
    return nl::cli::kExitOk;
  }
  if (*export_command.command) {
    const nl::Catalog& c = require_catalog(catalog, "export");
    nl::Session locations(session_options(g, c.options()));
    nl::cli::run_export(std::cout, std::cerr, export_command, c, locations,
                        [&] { return std::make_unique<nl::Session>(c, session_options(g, c.options())); });
    return nl::cli::kExitOk;
  }
  if (*describe && describe_json && nl::cli::is_table_path(table_name)) {
    throw nl::Error(nl::ErrorCode::InvalidArgument, table_name,
                    "--json describes catalog tables (database.table), not '" + table_name + "'");
  }
  if (*describe && nl::cli::is_table_path(table_name)) {
    auto session = open_session(g, catalog);
    interruptible(*session, [&] { nl::cli::describe_delta_path(std::cout, *session, table_name); });
    return nl::cli::kExitOk;
  }
  if (delta_write.any()) {
    auto session = open_session(g, catalog);
    interruptible(*session, [&] {
      nl::cli::run_delta_write(std::cout, delta_write, *session, isatty(STDERR_FILENO) != 0);
    });
    return nl::cli::kExitOk;
  }
  if (*delta_history.history) {
    auto session = open_session(g, catalog);
    interruptible(*session, [&] {
      nl::cli::run_delta_history(std::cout, delta_history, catalog, *session, terminal_width());
    });
    return nl::cli::kExitOk;
  }
  if (*describe && describe_json) {
    const nl::Catalog& c = require_catalog(catalog, "describe");
    nl::cli::CatalogJsonOptions options;
    options.session_options = [&g](const nl::SessionOptions& base) { return session_options(g, base); };
    if (g.timeout_ms && *g.timeout_ms > 0) options.table_time_limit = std::chrono::milliseconds(*g.timeout_ms);
    std::cout << nl::cli::table_metadata_json({&c, g.catalog()}, table_name, options).dump(2) << "\n";
    return nl::cli::kExitOk;
  }
  if (*describe) {
    const nl::Catalog& c = require_catalog(catalog, "describe");
    // The documentation needs no data, so it is printed even when the
    // catalog's session cannot be opened (e.g. before sample-data).
    nl::Session plain(session_options(g, c.options()));
    nl::cli::write_table_docs(std::cout, c, table_name, plain);
    std::cout.flush();
    auto session = open_session(g, catalog);
    interruptible(*session, [&] {
      nl::cli::write_catalog_delta_info(std::cout, c, *session, table_name);
      std::cout.flush();
      nl::cli::write_table_schema(std::cout, c, *session, table_name);
    });
    return nl::cli::kExitOk;
  }
  if (*sample) {
    nl::Session session(session_options(g, nl::SessionOptions::from_environment()));
    interruptible(session, [&] {
      for (const auto& uri : nl::write_sample_data(session)) std::cout << "wrote " << uri << "\n";
    });
    return nl::cli::kExitOk;
  }
  if (*sql) {
    auto session = open_session(g, catalog);
    // Every format reads the result batch by batch: CSV and JSON Lines are
    // written as the batches come, and the table keeps only the first and
    // last rows it shows and the count. Memory stays bounded whatever the
    // result's size.
    nl::FormatOptions fo;
    fo.max_rows = max_rows;
    fo.table_width = terminal_width();
    std::string table;
    interruptible(*session, [&] {
      nl::QueryOptions options;
      options.batch_rows = 8192;
      nl::ResultStream stream = session->stream(query, options);
      if (format == "table") {
        nl::ResultPreview preview(stream.schema(), max_rows);
        while (auto batch = stream.next()) preview.add(*batch);
        table = preview.to_string(fo);
        return;
      }
      if (format == "csv") {
        std::vector<std::string> names;
        for (const auto& field : stream.schema()) names.push_back(field.name);
        nl::cli::write_csv_header(std::cout, names);
      }
      while (auto batch = stream.next()) {
        if (format == "csv") nl::cli::write_csv_rows(std::cout, *batch);
        else nl::cli::write_json_lines(std::cout, *batch);
        if (!std::cout) throw std::runtime_error("cannot write the result to standard output");
      }
    });
    if (format == "table") std::cout << table << "\n";
    std::cout.flush();
    return nl::cli::kExitOk;
  }
  return nl::cli::kExitUsage;  // unreachable: CLI11 requires one known command
}

}  // namespace

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Streamed results allocate and free buffers of a few MB per batch (a
  // batch's strings, its rendered text, a Parquet page). With glibc's
  // defaults each free hands them back to the kernel and the next batch
  // faults them in again: a Parquet answer of 1.2 KB strings took 11.6 s
  // instead of 1.5 s. Keeping up to 128 MB of freed memory per arena, and
  // serving blocks below 32 MB from it, ends that without raising the peak.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
  try {
    return run(argc, argv);
  } catch (const nl::Error& e) {
    std::cout.flush();
    std::cerr << "neuralake: " << nl::cli::one_line(e.what()) << "\n";
    return nl::cli::exit_code(e.code());
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "neuralake: internal error: " << nl::cli::one_line(e.what()) << "\n";
    return nl::cli::kExitInternal;
  }
}

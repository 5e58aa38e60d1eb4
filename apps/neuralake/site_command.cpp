#include "site_command.h"

#include <chrono>
#include <memory>
#include <ostream>

#include "neuralake/progress_bar.h"
#include "site/site_builder.h"

namespace neuralake::cli {

void add_site_command(CLI::App& app, SiteCommand& c) {
  c.site = app.add_subcommand("site", "Write the catalog website: a static folder to open from disk or any file server");
  c.site->add_option("--out,-o", c.out_dir, "Folder to write (created; an earlier site there is replaced)")->required();
  c.site->add_flag("--force", c.force, "Write into a non-empty folder that an earlier site build did not create");
  c.site->add_option("--preview", c.preview_rows, "Sample rows per table, read through its docs filters (0: none)")
      ->capture_default_str();
  c.site->add_flag("--with-table-facts", c.table_facts, "Show Delta tables' current version, last commit and file count");
  c.site->add_flag("--no-infer", c.no_infer, "Do not read schemas from the data: tables without a declared schema show none");
  c.site->add_option("--table-timeout", c.table_timeout_ms,
                     "Milliseconds each table's schema inference or preview may take")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c.site->add_option("--api-url", c.api_url, "Base URL of `neuralake serve` for the REST snippets")->capture_default_str();
}

void run_site_command(std::ostream& out, const SiteCommand& c, const std::vector<Catalog>& catalogs,
                      const std::vector<std::string>& plugins,
                      const std::function<SessionOptions(const SessionOptions&)>& apply_flags, bool progress) {
  std::vector<CatalogSource> sources;
  for (size_t i = 0; i < catalogs.size(); ++i) sources.push_back({&catalogs[i], i < plugins.size() ? plugins[i] : ""});

  SiteOptions options;
  options.out_dir = c.out_dir;
  options.force = c.force;
  options.metadata.preview_rows = c.preview_rows;
  options.metadata.table_facts = c.table_facts;
  options.metadata.infer_schemas = !c.no_infer;
  options.metadata.table_time_limit = std::chrono::milliseconds(c.table_timeout_ms);
  options.metadata.api_url = c.api_url;
  options.metadata.session_options = apply_flags;
  std::unique_ptr<ProgressBar> bar;
  size_t drawn = 0;
  options.metadata.progress = [&](size_t done, size_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>(total, progress, "tables");
    bar->advance(done - drawn, "reading tables");
    drawn = done;
  };

  auto started = std::chrono::steady_clock::now();
  SiteResult r = build_site(sources, options);
  if (bar) bar->finish();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  for (const auto& p : r.problems) out << "warning: " << p << "\n";
  char timing[32];
  std::snprintf(timing, sizeof timing, "%.2f", seconds);
  out << "wrote the catalog site (" << r.tables << " table" << (r.tables == 1 ? "" : "s") << " in " << r.databases
      << " database" << (r.databases == 1 ? "" : "s") << ", " << r.bytes / 1024 << " KiB) to " << r.out_dir << " in "
      << timing << " s\n"
      << "open file://" << r.index_path << "\n"
      << "or serve the folder with any static file server, or with `neuralake serve`\n";
}

}  // namespace neuralake::cli

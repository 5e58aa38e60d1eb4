// `neuralake verify`: loads the catalog, runs neuralake::verify() and formats
// its results, one line per check; the checks themselves live in the library.
#include "verify_command.h"

#include <algorithm>
#include <optional>
#include <ostream>

#include "neuralake/catalog.h"
#include "neuralake/error.h"
#include "neuralake/plugin.h"

namespace neuralake::cli {

void add_verify_command(CLI::App& app, VerifyCommand& command) {
  command.verify = app.add_subcommand(
      "verify",
      "Check the deployment: configuration, credentials, storage access and every catalog table; "
      "exits non-zero if a check fails");
  command.verify->add_flag("--write", command.write,
                           "Also write, read back and delete a probe object under a unique key in the warehouse");
  command.verify->add_flag("--strict", command.strict, "Fail when any check is skipped, too");
}

void write_verify_report(std::ostream& out, const VerifyReport& report, bool strict) {
  size_t width = 0;
  for (const auto& c : report.checks) width = std::max(width, c.name.size());
  for (const auto& c : report.checks)
    out << to_string(c.status) << "  " << c.name << std::string(width - c.name.size() + 2, ' ') << c.detail << "\n";
  out << report.count(CheckStatus::Pass) << " passed, " << report.count(CheckStatus::Fail) << " failed, "
      << report.count(CheckStatus::Skip) << " skipped" << (strict ? " (--strict: skips fail the run)" : "") << ": "
      << (report.ok(strict) ? "OK" : "FAILED") << "\n";
}

bool run_verify(std::ostream& out, const VerifyCommand& command, const std::string& catalog_path,
                const std::function<SessionOptions(const SessionOptions&)>& apply_flags) {
  std::optional<Catalog> catalog;
  std::optional<std::string> catalog_error;
  if (!catalog_path.empty()) {
    try {
      catalog = load_catalog_plugin(catalog_path);
    } catch (const Error& e) {
      catalog_error = e.what();
      std::replace(catalog_error->begin(), catalog_error->end(), '\n', ' ');
    }
  }
  VerifyOptions options;
  options.write = command.write;
  options.session = apply_flags(catalog ? catalog->options() : SessionOptions{});
  VerifyReport report = verify(Environment::from_process(), catalog ? &*catalog : nullptr, options);
  if (catalog_error) {
    // A plugin builds its catalog with the resolved configuration, so a bad
    // configuration fails the plugin too: that is reported once, by "config".
    bool config_ok = !report.checks.empty() && report.checks.front().status == CheckStatus::Pass;
    CheckResult c{"catalog", config_ok ? CheckStatus::Fail : CheckStatus::Skip,
                  config_ok ? *catalog_error : "the configuration did not load"};
    report.checks.insert(report.checks.begin() + (report.checks.empty() ? 0 : 1), c);
    // "tables: no catalog given" would be wrong: one was given and failed.
    report.checks.erase(std::remove_if(report.checks.begin(), report.checks.end(),
                                       [](const CheckResult& r) { return r.name == "tables"; }),
                        report.checks.end());
  }
  write_verify_report(out, report, command.strict);
  return report.ok(command.strict);
}

}  // namespace neuralake::cli

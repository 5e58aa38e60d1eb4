// `neuralake export roapi|trino|spark`: runs the exports of the catalog tools
// library and writes their file, or stdout, reporting skipped tables on stderr.
#include "export_commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <ostream>
#include <vector>

#include "export/roapi_export.h"
#include "export/sql_ddl_export.h"
#include "neuralake/error.h"
#include "neuralake/suggest.h"

namespace neuralake::cli {

namespace {

const std::vector<std::string> kFormats = {"roapi", "trino", "spark"};

Error io_error(const std::string& path, const std::string& what) {
  return Error(ErrorCode::IOError, path, what + " '" + path + "': " + std::strerror(errno));
}

}  // namespace

void add_export_command(CLI::App& app, ExportCommand& command) {
  command.command = app.add_subcommand(
      "export", "Write the catalog's table definitions for ROAPI (YAML), Trino or Spark SQL (DDL)");
  command.command->add_option("format", command.format, "roapi, trino or spark")->required();
  command.command->add_option("--out,-o", command.out, "File to write; - writes to stdout")->required();
  command.command->add_flag("--force", command.force, "Replace the file if it exists");
  command.command
      ->add_option("--trino-delta-catalog", command.trino_delta_catalog,
                   "trino: the Trino catalog served by the Delta Lake connector")
      ->capture_default_str();
  command.command
      ->add_option("--trino-hive-catalog", command.trino_hive_catalog,
                   "trino: the Trino catalog served by the Hive connector")
      ->capture_default_str();
  command.command
      ->add_option("--s3-scheme", command.s3_scheme, "spark: the scheme s3:// locations are written with")
      ->capture_default_str();
}

void write_file_atomically(const std::string& path, const std::string& text, bool replace) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!replace && fs::exists(path, ec)) {
    throw Error(ErrorCode::AlreadyExists, path, "'" + path + "' exists; pass --force to replace it");
  }
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmp_name = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  std::vector<char> tmp(tmp_name.begin(), tmp_name.end());
  tmp.push_back('\0');
  int fd = mkstemp(tmp.data());
  if (fd < 0) throw io_error(path, "cannot create a temporary file to write");
  const std::string tmp_path(tmp.data());
  auto fail = [&](const std::string& what) {
    Error e = io_error(path, what);
    ::close(fd);
    ::unlink(tmp_path.c_str());
    return e;
  };
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw fail("cannot write");
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) throw fail("cannot write");
  if (::close(fd) != 0) {
    ::unlink(tmp_path.c_str());
    throw io_error(path, "cannot write");
  }
  // link() fails if the name exists, so a file created meanwhile is not replaced either.
  int rc = replace ? ::rename(tmp_path.c_str(), path.c_str()) : ::link(tmp_path.c_str(), path.c_str());
  int saved = errno;
  if (!replace || rc != 0) ::unlink(tmp_path.c_str());
  if (rc != 0) {
    errno = saved;
    if (saved == EEXIST) {
      throw Error(ErrorCode::AlreadyExists, path, "'" + path + "' exists; pass --force to replace it");
    }
    throw io_error(path, "cannot write");
  }
}

void run_export(std::ostream& out, std::ostream& err, const ExportCommand& command, const Catalog& catalog,
                const Session& locations, const std::function<std::unique_ptr<Session>()>& open_catalog_session) {
  if (std::find(kFormats.begin(), kFormats.end(), command.format) == kFormats.end()) {
    throw Error(ErrorCode::InvalidArgument, command.format,
                "unknown export format '" + command.format + "'" + did_you_mean(command.format, kFormats) +
                    " (one of roapi, trino, spark)");
  }
  ExportResult result;
  if (command.format == "roapi") {
    result = export_roapi(catalog, locations);
  } else {
    SqlDdlOptions options;
    options.dialect = command.format == "trino" ? SqlDialect::Trino : SqlDialect::Spark;
    options.trino_delta_catalog = command.trino_delta_catalog;
    options.trino_hive_catalog = command.trino_hive_catalog;
    options.s3_scheme = command.s3_scheme;
    // The catalog's session is opened once, and only if a table's columns must be read.
    std::unique_ptr<Session> session;
    std::optional<Error> open_error;
    SchemaReader read = [&](const std::string& database, const Table& table) {
      if (!session && !open_error) {
        try {
          session = open_catalog_session();
        } catch (const Error& e) {
          open_error = e;
        }
      }
      if (open_error) throw *open_error;
      return session_schema_reader(*session)(database, table);
    };
    result = export_sql_ddl(catalog, locations, read, options);
  }
  if (command.out == "-") {
    out << result.text;
    out.flush();
  } else {
    write_file_atomically(command.out, result.text, command.force);
  }
  const std::string prefix = "neuralake: export " + command.format + ": ";
  for (const auto& s : result.skipped) err << prefix << "skipped " << s.table << ": " << s.text << "\n";
  for (const auto& n : result.notes) err << prefix << "note " << n.table << ": " << n.text << "\n";
}

}  // namespace neuralake::cli

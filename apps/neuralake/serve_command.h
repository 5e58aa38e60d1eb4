// `neuralake --catalog c.so serve [--host H] [--port P] …`: the read-only
// SQL/REST API and the catalog site, until SIGTERM or Ctrl-C.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "neuralake/catalog.h"
#include "neuralake/options.h"

namespace neuralake::cli {

// The flags of `neuralake serve`; each overrides its server.* setting.
struct ServeCommand {
  CLI::App* serve = nullptr;
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<int> workers;
  std::optional<int> max_queries;
  std::optional<int64_t> query_timeout_ms;
  std::optional<uint64_t> max_result_rows;
  std::optional<uint64_t> max_result_mb;
  std::optional<uint64_t> max_body_kb;
  std::optional<std::string> cors_origins;
  bool quiet = false;  // no access log
};

void add_serve_command(CLI::App& app, ServeCommand& command);

// Serves `catalog` until SIGTERM/SIGINT, then shuts down gracefully. Prints
// the address it listens on (with the port when --port 0 picked one).
void run_serve_command(std::ostream& out, const ServeCommand& command, const Catalog& catalog,
                       const std::string& plugin,
                       const std::function<SessionOptions(const SessionOptions&)>& apply_flags);

}  // namespace neuralake::cli

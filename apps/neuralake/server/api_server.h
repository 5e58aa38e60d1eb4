// `neuralake serve`: a read-only SQL and REST API over one catalog, speaking
// ROAPI's query syntax, with the catalog site at `/`.
//
//   GET  /                         the catalog site (index.html and its files)
//   GET  /health                   {"status":"ok"}; 503 while shutting down
//   GET  /api/version              versions of neuralake, the engine and the API
//   GET  /api/tables               the catalog metadata (docs/catalog-metadata.md)
//   GET  /api/schema[/{table}]     columns and types
//   GET  /api/tables/{table}?…     ROAPI's REST query (server/rest_query.h)
//   POST /api/sql                  one SELECT as the body
//   GET  /metrics                  Prometheus metrics
//
// Results stream batch by batch in the negotiated encoding; the limits,
// authentication and CORS come from ServerSettings (the profile's server.*
// settings and the command's flags). Errors are ROAPI's JSON shape
// {"code", "error", "message"}.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "neuralake/catalog.h"
#include "neuralake/config.h"
#include "neuralake/options.h"

namespace neuralake::server {

struct ApiServerOptions {
  ServerSettings settings;
  std::string plugin;  // the catalog plugin's path, for the site's snippets
  // Adjusts the catalog's session options (threads, memory) for the
  // server's session; unset: the catalog's own.
  std::function<SessionOptions(const SessionOptions&)> session_options;
  // One line per request (method, path, status, bytes, milliseconds); null: none.
  std::ostream* access_log = nullptr;
};

class ApiServer {
 public:
  // Opens the catalog's session and prepares the site and metadata. Throws
  // what the session and the catalog metadata throw (two tables with one API
  // name, a bad setting).
  ApiServer(Catalog catalog, ApiServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds settings.host:settings.port (0: a free port) and returns the port,
  // then prepares the catalog metadata and the site (whose snippets name
  // this address). Throws Unavailable naming the address when it cannot be
  // bound, and what the catalog metadata throws.
  int bind();
  // Serves until shutdown(); returns when the server has stopped.
  void run();
  // Graceful stop, safe from any thread: new requests get 503, requests in
  // flight may finish within `grace`, then the listener and connections close.
  void shutdown(std::chrono::milliseconds grace = std::chrono::seconds(30));

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace neuralake::server

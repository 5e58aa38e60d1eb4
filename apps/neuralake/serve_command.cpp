#include "serve_command.h"

#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include "neuralake/config.h"
#include "neuralake/error.h"
#include "server/api_server.h"

namespace neuralake::cli {

void add_serve_command(CLI::App& app, ServeCommand& c) {
  c.serve = app.add_subcommand("serve", "Serve the catalog: a read-only SQL and REST API (ROAPI's syntax) and its site");
  c.serve->add_option("--host", c.host, "Address to listen on (server.host; default 127.0.0.1, loopback only)");
  c.serve->add_option("--port", c.port, "Port (server.port; default 8080; 0 picks a free one and prints it)")
      ->check(CLI::Range(0, 65535));
  c.serve->add_option("--workers", c.workers, "Connections served at once (server.workers)")->check(CLI::Range(1, 1024));
  c.serve->add_option("--max-queries", c.max_queries, "Queries run at once; more get 429 (server.max_queries)")
      ->check(CLI::Range(1, 1024));
  c.serve->add_option("--query-timeout", c.query_timeout_ms,
                      "Milliseconds a query may run; past it the answer is 504 (server.query_timeout_ms; 0: none)")
      ->check(CLI::NonNegativeNumber);
  c.serve->add_option("--max-result-rows", c.max_result_rows, "Rows a result may have (server.max_result_rows; 0: none)");
  c.serve->add_option("--max-result-mb", c.max_result_mb, "MiB a result body may have (server.max_result_mb; 0: none)");
  c.serve->add_option("--max-body-kb", c.max_body_kb, "KiB a request body may have (server.max_body_kb)")
      ->check(CLI::PositiveNumber);
  c.serve->add_option("--cors-origins", c.cors_origins,
                      "Comma-separated origins allowed to call the API from a browser, or * (server.cors_origins)");
  c.serve->add_flag("--quiet", c.quiet, "No access log on stderr");
}

namespace {

ServerSettings settings_for(const ServeCommand& c, const Catalog& catalog) {
  const SessionOptions& o = catalog.options();
  ServerSettings s = o.config ? o.config->server : Config::resolve(Environment::from_process()).server;
  if (c.host) s.host = *c.host;
  if (c.port) s.port = *c.port;
  if (c.workers) s.workers = *c.workers;
  if (c.max_queries) s.max_queries = *c.max_queries;
  if (c.query_timeout_ms) s.query_timeout = std::chrono::milliseconds(*c.query_timeout_ms);
  if (c.max_result_rows) s.max_result_rows = *c.max_result_rows;
  if (c.max_result_mb) s.max_result_bytes = *c.max_result_mb << 20;
  if (c.max_body_kb) s.max_body_bytes = *c.max_body_kb << 10;
  if (c.cors_origins) {
    Environment env;
    env.variables["NEURALAKE_SERVER_CORS_ORIGINS"] = *c.cors_origins;
    s.cors_origins = Config::resolve(env).server.cors_origins;  // the same validation as the setting
  }
  return s;
}

}  // namespace

void run_serve_command(std::ostream& out, const ServeCommand& c, const Catalog& catalog, const std::string& plugin,
                       const std::function<SessionOptions(const SessionOptions&)>& apply_flags) {
  // SIGTERM and SIGINT go to one thread that shuts the server down; every
  // other thread (the workers and the engine's) inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  server::ApiServerOptions options;
  options.settings = settings_for(c, catalog);
  options.plugin = plugin;
  options.session_options = apply_flags;
  options.access_log = c.quiet ? nullptr : &std::cerr;
  server::ApiServer server(catalog, options);
  int port = server.bind();
  const std::string& host = options.settings.host;
  out << "serving catalog '" << catalog.name() << "' on http://" << (host.find(':') != std::string::npos ? "[" + host + "]" : host)
      << ":" << port << "/ (site at /, API at /api/)" << std::endl;
  if (!options.settings.token.empty()) out << "requests need the token (Authorization: Bearer …)" << std::endl;

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cerr << "neuralake: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT")
              << ": finishing the requests in flight, then stopping" << std::endl;
    server.shutdown(std::chrono::seconds(30));
  });
  server.run();
  // run() returned without a signal (the listener failed): wake the stopper.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  out << "stopped" << std::endl;
}

}  // namespace neuralake::cli

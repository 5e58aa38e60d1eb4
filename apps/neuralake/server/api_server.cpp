#include "server/api_server.h"

#include <httplib.h>

#include <atomic>
#include <map>
#include <mutex>
#include <ostream>
#include <thread>

#include "encode/row_text.h"
#include "metadata/api_names.h"
#include "metadata/catalog_json.h"
#include "neuralake/error.h"
#include "neuralake/lazy_frame.h"
#include "neuralake/session.h"
#include "neuralake/suggest.h"
#include "server/accept_header.h"
#include "server/api_error.h"
#include "server/metrics.h"
#include "server/query_guard.h"
#include "server/rest_query.h"
#include "server/rest_query_sql.h"
#include "server/result_writer.h"
#include "site/site_builder.h"
#include "text/one_line.h"

#ifndef NEURALAKE_VERSION
#define NEURALAKE_VERSION "dev"
#endif

namespace neuralake::server {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using cli::one_line;

// Error kinds of the server itself, beside those of the REST parser (api_error.h).
namespace kind {
constexpr const char* kInvalidTable = "invalid_table";
constexpr const char* kPlanSql = "plan_sql";
constexpr const char* kQueryExecution = "query_execution";
constexpr const char* kQueryTimeout = "query_timeout";
constexpr const char* kResultTooLarge = "result_too_large";
constexpr const char* kForbidden = "forbidden";
constexpr const char* kUnauthorized = "unauthorized";
constexpr const char* kBusy = "too_many_queries";
constexpr const char* kShuttingDown = "shutting_down";
constexpr const char* kNotFound = "not_found";
constexpr const char* kBodyTooLarge = "request_too_large";
constexpr const char* kRequestTimeout = "request_timeout";
constexpr const char* kBadRequest = "bad_request";
constexpr const char* kInternal = "internal";
}  // namespace kind

// An answer that is an error, before any byte of a body was sent.
struct HttpError {
  int status;
  std::string kind;
  std::string message;
  // The request's body was left partly unread: the connection must close
  // after the answer, or its rest would be read as the next request.
  bool close_connection = false;
};

std::string error_body(const HttpError& e) {
  json body = {{"code", e.status}, {"error", e.kind}, {"message", e.message}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

// What the engine said about a query, as the client's answer: mistakes in
// the query are 400, a refused statement 403, a query past its time 504;
// storage failing is the server's 500 (or 503 when retrying may help).
HttpError engine_error(const Error& e, bool planning) {
  std::string message = one_line(e.what());
  switch (e.code()) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::NotFound:
    case ErrorCode::NotSupported:
      return {400, planning ? kind::kPlanSql : kind::kQueryExecution, message};
    case ErrorCode::PermissionDenied: return {403, kind::kForbidden, message};
    case ErrorCode::Timeout: return {504, kind::kQueryTimeout, message};
    case ErrorCode::Unavailable: return {503, kind::kQueryExecution, message};
    case ErrorCode::Cancelled: return {503, kind::kQueryExecution, message};
    default: return {500, kind::kQueryExecution, message};
  }
}

// Compares without stopping at the first difference, so the time taken does
// not tell how much of a guessed token was right.
bool constant_time_equal(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::string& longer = a.size() >= b.size() ? a : b;
  for (size_t i = 0; i < longer.size(); ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

std::string sql_name(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The route a path belongs to, for metrics (bounded label values).
std::string route_of(const httplib::Request& req) {
  const std::string& p = req.path;
  if (p.rfind("/api/tables/", 0) == 0) return "/api/tables/{table}";
  if (p.rfind("/api/schema/", 0) == 0) return "/api/schema/{table}";
  for (const char* r : {"/api/tables", "/api/schema", "/api/sql", "/api/version", "/health", "/metrics"})
    if (p == r) return r;
  if (req.method == "OPTIONS") return "OPTIONS";
  return "/{site}";
}

// Per request, on the worker thread that serves it.
thread_local Clock::time_point t_request_start;

}  // namespace

struct ApiServer::Impl {
  Catalog catalog;
  ApiServerOptions options;
  ServerSettings& settings = options.settings;
  std::unique_ptr<Session> session;
  cli::ApiNames names;
  std::map<std::string, std::string> site_files;  // file name -> bytes
  std::string tables_json;                         // GET /api/tables
  Metrics metrics;
  QueryGuard guard;
  httplib::Server http;
  int port = -1;

  std::atomic<bool> draining{false};

  std::mutex schema_mu;
  std::map<std::string, Schema> schemas;  // by API name

  Impl(Catalog c, ApiServerOptions o)
      : catalog(std::move(c)),
        options(std::move(o)),
        names({&catalog}),
        guard(static_cast<size_t>(options.settings.max_queries)) {
    SessionOptions so = options.session_options ? options.session_options(catalog.options()) : catalog.options();
    so.confine_to_catalog = false;  // confined below, once the API names' views exist
    session = std::make_unique<Session>(catalog, so);
    // {db}_{table} names work in SQL too: a view per table in the default schema.
    for (const auto& e : names.entries()) {
      session->execute("CREATE OR REPLACE VIEW main." + sql_name(e.api_name) + " AS SELECT * FROM " +
                       sql_name(e.database) + "." + sql_name(e.table->name()));
    }
    // From here on the session reads the catalog's tables and nothing else:
    // one SELECT per request, no file, URL or setting outside the catalog
    // (docs/sandbox.md).
    session->confine_to_catalog();
    routes();
  }

  // The catalog metadata and the site, whose REST snippets name this server.
  void prepare_site(const std::string& api_url) {
    cli::CatalogJsonOptions mo;
    mo.session_options = options.session_options;
    mo.api_url = api_url;
    tables_json = cli::catalog_metadata_text({{&catalog, options.plugin}}, mo);
    for (const auto& [name, bytes] : cli::embedded_site_files()) site_files.emplace(name, bytes);
    site_files["data.json"] = tables_json;
    site_files["data.js"] = "window.NEURALAKE_CATALOG = " + tables_json + ";\n";
  }

  // --- answers --------------------------------------------------------------

  void send_error(httplib::Response& res, const HttpError& e) {
    res.status = e.status;
    metrics.error(e.kind);
    if (!e.close_connection) {
      res.set_content(error_body(e), "application/json");
      return;
    }
    // cpp-httplib keeps a connection open unless the request asked to close
    // it; a content provider that fails after writing the whole answer is
    // the way to close it from a handler.
    res.set_header("Connection", "close");
    auto body = std::make_shared<std::string>(error_body(e));
    res.set_content_provider(body->size(), "application/json",
                             [body](size_t offset, size_t length, httplib::DataSink& sink) {
                               sink.write(body->data() + offset, length);
                               return false;
                             });
  }

  void send_json(httplib::Response& res, const std::string& body) { res.set_content(body, "application/json"); }

  // --- the table a request names ---------------------------------------------

  const cli::ApiNames::Entry& table_or_throw(const std::string& name) {
    if (const auto* e = names.find(name)) return *e;
    throw HttpError{400, kind::kInvalidTable,
                    "unknown table '" + name + "'" + did_you_mean(name, names.names()) +
                        "; GET /api/tables lists the tables"};
  }

  Schema schema_of(const cli::ApiNames::Entry& e) {
    {
      std::lock_guard lock(schema_mu);
      if (auto it = schemas.find(e.api_name); it != schemas.end()) return it->second;
    }
    QueryOptions q;
    q.timeout = settings.query_timeout;
    Schema s;
    try {
      s = session->sql("SELECT * FROM " + sql_name(e.database) + "." + sql_name(e.table->name()) + " LIMIT 0", q)
              .schema();
    } catch (const Error& err) {
      throw engine_error(err, true);
    }
    std::lock_guard lock(schema_mu);
    schemas[e.api_name] = s;
    return s;
  }

  // --- streaming a query -------------------------------------------------------

  // Runs `sql` and answers with its result in the negotiated encoding,
  // streamed. Errors known before the first byte are answered as errors.
  void stream_query(const httplib::Request& req, httplib::Response& res, const std::string& sql,
                    std::optional<Encoding> format) {
    Negotiation n = negotiate(req.get_header_value("Accept"), format);

    auto slot = guard.try_enter();
    if (!slot) {
      metrics.rejected_busy();
      res.set_header("Retry-After", "1");
      throw HttpError{429, kind::kBusy,
                      "the server is running its limit of " + std::to_string(settings.max_queries) +
                          " queries; retry shortly"};
    }

    QueryOptions q;
    q.timeout = settings.query_timeout;
    // Batches of 4,096 rows keep a batch of wide rows (1.2 KB strings) near
    // 5 MB; smaller ones would add per-batch framing to Arrow answers.
    q.batch_rows = 4096;
    CancelHandle cancel;
    q.cancel = cancel;
    metrics.query_started();
    auto state = std::make_shared<StreamState>(std::move(*slot), cancel, this);
    try {
      state->stream.emplace(session->stream(sql, q));
    } catch (const Error& e) {
      throw engine_error(e, true);
    }

    // The first piece of the answer is read and encoded now, so that a small
    // result over a limit, or one failing early, is refused before the first
    // byte.
    state->writer = make_result_writer(n.encoding, state->stream->schema(),
                                       [st = state.get()](std::string_view bytes) { st->take(bytes); });
    try {
      state->prefetch();
    } catch (const Error& e) {
      throw engine_error(e, false);
    }
    if (!state->limit_message.empty()) throw HttpError{400, kind::kResultTooLarge, state->limit_message};
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_chunked_content_provider(
        n.content_type,
        [state](size_t, httplib::DataSink& sink) { return state->pump(sink); },
        [state](bool) { state->close(); });
  }

  struct StreamState {
    QueryGuard::Slot slot;
    CancelHandle cancel;
    Impl* server;
    std::optional<ResultStream> stream;
    std::unique_ptr<ResultWriter> writer;
    bool exhausted = false;
    bool ended = false;
    bool closed = false;
    std::string limit_message;
    uint64_t rows = 0;
    uint64_t bytes = 0;
    std::string out;  // encoded, not yet sent
    httplib::DataSink* live_sink = nullptr;  // set while pump() runs
    struct ClientGone {};
    struct OverByteLimit {};
    // Bytes per write to the HTTP library, which frames each write in two
    // fresh copies: small enough that those stay in reused heap memory.
    static constexpr size_t kSendBytes = size_t{64} << 10;
    // Bytes encoded before the first byte is sent: limits crossed within
    // them are answered with an error status instead of a broken body.
    static constexpr size_t kPrefetchBytes = size_t{1} << 20;

    StreamState(QueryGuard::Slot s, CancelHandle c, Impl* srv) : slot(std::move(s)), cancel(std::move(c)), server(srv) {}

    uint64_t max_rows() const { return server->settings.max_result_rows; }
    uint64_t max_bytes() const { return server->settings.max_result_bytes; }

    std::string rows_over_limit() const {
      return "the result has more than " + std::to_string(max_rows()) +
             " rows (server.max_result_rows); narrow it with filters or a limit";
    }
    std::string bytes_over_limit() const {
      return "the result is larger than " + std::to_string(max_bytes() >> 20) +
             " MiB (server.max_result_mb); narrow it with filters, columns or a limit";
    }

    // Reads and encodes batches until a piece is ready to send (or the result
    // ends); a limit crossed on the way sets limit_message.
    void prefetch() {
      writer->begin();
      while (out.size() < kPrefetchBytes) {
        auto batch = stream->next();
        if (!batch) {
          exhausted = true;
          return;
        }
        rows += batch->num_rows();
        if (max_rows() && rows > max_rows()) {
          limit_message = rows_over_limit();
          return;
        }
        writer->write(*batch);
        server->metrics.rows_sent(batch->num_rows());
        if (max_bytes() && out.size() > max_bytes()) {
          limit_message = bytes_over_limit();
          return;
        }
      }
    }

    // Sends what is encoded, in pieces of at most kSendBytes (the HTTP
    // library copies each piece twice to frame it); false when the client
    // has gone.
    bool flush(httplib::DataSink& sink) {
      if (!send(sink, out)) return false;
      out.clear();
      return true;
    }
    bool send(httplib::DataSink& sink, std::string_view piece) {
      for (size_t at = 0; at < piece.size(); at += kSendBytes) {
        const size_t n = std::min(kSendBytes, piece.size() - at);
        if (!sink.is_writable() || !sink.write(piece.data() + at, n)) return false;
        bytes += n;
        server->metrics.bytes_sent(n);
      }
      return true;
    }

    // The writer's sink. While a batch is written from pump(), encoded bytes
    // go out as soon as a piece is full, so a batch of wide rows is never
    // held whole; before the first byte (prefetch) they wait in `out`,
    // which prefetch keeps near one piece.
    void take(std::string_view encoded) {
      if (!live_sink || out.size() + encoded.size() < kSendBytes) {
        out.append(encoded);
        return;
      }
      if (max_bytes() && bytes + out.size() + encoded.size() > max_bytes()) throw OverByteLimit{};
      // What is held goes first, then the new bytes straight from the
      // writer's buffer: a large piece (a Parquet row group) is not copied.
      if (!flush(*live_sink) || !send(*live_sink, encoded)) throw ClientGone{};
    }

    // Ends a result that failed after its first byte: the encoding's marker
    // if it has one, else the connection closes without the last chunk.
    bool fail(httplib::DataSink& sink, const std::string& kind, const std::string& message) {
      server->metrics.error(kind);
      std::string marker = writer->failure_marker(kind, message);
      out += marker;
      bool ok = flush(sink);
      if (ok && writer->ends_after_failure()) {
        sink.done();
        ended = true;
        return true;
      }
      return false;  // closes the connection
    }

    bool pump(httplib::DataSink& sink) {
      if (ended) return true;
      if (!sink.is_writable()) {  // the client went away: stop the query
        cancel.cancel();
        return false;
      }
      live_sink = &sink;
      struct Unset {
        httplib::DataSink*& p;
        ~Unset() { p = nullptr; }
      } unset{live_sink};
      try {
        std::optional<DataFrame> batch;
        if (!exhausted) {
          batch = stream->next();
          if (!batch) exhausted = true;
          else rows += batch->num_rows();
        }
        if (batch) {
          if (max_rows() && rows > max_rows()) return fail(sink, kind::kResultTooLarge, rows_over_limit());
          writer->write(*batch);
          server->metrics.rows_sent(batch->num_rows());
          if (max_bytes() && bytes + out.size() > max_bytes()) throw OverByteLimit{};
          return flush(sink);
        }
        writer->finish();
        if (!flush(sink)) return false;
        sink.done();
        ended = true;
        return true;
      } catch (const ClientGone&) {
        cancel.cancel();
        return false;
      } catch (const OverByteLimit&) {
        out.clear();
        return fail(sink, kind::kResultTooLarge, bytes_over_limit());
      } catch (const Error& e) {
        if (!sink.is_writable()) return false;
        HttpError h = engine_error(e, false);
        return fail(sink, h.kind, h.message);
      } catch (const std::exception& e) {
        return fail(sink, kind::kInternal, one_line(e.what()));
      }
    }

    void close() {
      if (closed) return;
      closed = true;
      if (!ended && stream) stream->cancel();
      stream.reset();  // the query's threads are freed here
      server->metrics.query_finished();
    }

    ~StreamState() { close(); }
  };

  // --- routes ------------------------------------------------------------------

  template <class F>
  void guarded(httplib::Response& res, F&& f) {
    try {
      f();
    } catch (const HttpError& e) {
      send_error(res, e);
    } catch (const ApiError& e) {
      send_error(res, {400, e.kind(), one_line(e.what())});
    } catch (const Error& e) {
      send_error(res, engine_error(e, true));
    } catch (const std::exception& e) {
      send_error(res, {500, kind::kInternal, one_line(e.what())});
    }
  }

  void routes() {
    http.set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(settings.read_timeout).count(),
                          static_cast<time_t>((settings.read_timeout.count() % 1000) * 1000));
    http.set_write_timeout(30, 0);
    // A chunked answer is several small writes; without TCP_NODELAY the
    // last one waits for the client's delayed ACK (about 40 ms a request).
    http.set_tcp_nodelay(true);
    http.set_keep_alive_max_count(1000);
    http.set_keep_alive_timeout(5);
    http.set_payload_max_length(settings.max_body_bytes);
    const size_t workers = static_cast<size_t>(settings.workers);
    http.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };

    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      t_request_start = Clock::now();
      cors(req, res);
      if (draining) {
        res.set_header("Connection", "close");
        res.set_header("Retry-After", "5");
        send_error(res, {503, kind::kShuttingDown, "the server is shutting down"});
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.method == "OPTIONS") {  // a CORS preflight: no token needed
        res.status = 204;
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!settings.token.empty() && req.path != "/health") {
        std::string auth = req.get_header_value("Authorization");
        const std::string prefix = "Bearer ";
        if (auth.empty()) {
          res.set_header("WWW-Authenticate", "Bearer");
          send_error(res, {401, kind::kUnauthorized, "this server needs a token: send Authorization: Bearer <token>"});
          return httplib::Server::HandlerResponse::Handled;
        }
        if (auth.size() < prefix.size() || auth.compare(0, prefix.size(), prefix) != 0 ||
            !constant_time_equal(auth.substr(prefix.size()), settings.token)) {
          send_error(res, {403, kind::kForbidden, "the token sent is not this server's"});
          return httplib::Server::HandlerResponse::Handled;
        }
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });

    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      double seconds = std::chrono::duration<double>(Clock::now() - t_request_start).count();
      metrics.request_done(route_of(req), res.status, seconds);
      if (options.access_log) {
        char line[64];
        std::snprintf(line, sizeof line, " %d %.1fms", res.status, seconds * 1000);
        std::string entry = req.remote_addr + " " + req.method + " " + req.path + line + "\n";
        static std::mutex log_mu;
        std::lock_guard lock(log_mu);
        *options.access_log << entry << std::flush;
      }
    });

    http.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        send_error(res, {500, kind::kInternal, one_line(e.what())});
      } catch (...) {
        send_error(res, {500, kind::kInternal, "unknown error"});
      }
    });

    http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty() || res.content_provider_) return;  // an answer of ours
      if (res.status == 413) {
        send_error(res, {413, kind::kBodyTooLarge,
                         "the request body is larger than " + std::to_string(settings.max_body_bytes >> 10) +
                             " KiB (server.max_body_kb)"});
      } else if (res.status == 404 && req.path.rfind("/api/", 0) != 0 && req.method == "GET") {
        auto it = site_files.find("404.html");
        if (it != site_files.end()) res.set_content(it->second, "text/html; charset=utf-8");
      } else if (res.status == 404) {
        send_error(res, {404, kind::kNotFound, "no route " + req.method + " " + req.path});
      } else if (res.status == 400) {
        send_error(res, {400, kind::kBadRequest, "malformed HTTP request"});
      }
    });

    http.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
      send_json(res, R"({"status":"ok"})");
    });
    http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics.render(), "text/plain; version=0.0.4");
    });
    http.Get("/api/version", [this](const httplib::Request&, httplib::Response& res) {
      guarded(res, [&] {
        std::string engine = session->sql("SELECT version() AS v").value(0, 0).as<std::string>();
        json body = {{"neuralake", NEURALAKE_VERSION}, {"engine", "DuckDB " + engine}, {"api", "roapi-compatible"},
                     {"catalog", catalog.name()}};
        send_json(res, body.dump());
      });
    });
    http.Get("/api/tables", [this](const httplib::Request&, httplib::Response& res) { send_json(res, tables_json); });
    http.Get("/api/schema", [this](const httplib::Request&, httplib::Response& res) {
      guarded(res, [&] {
        json body = json::object();
        for (const auto& e : names.entries()) body[e.api_name] = schema_json(schema_of(e));
        send_json(res, body.dump(-1, ' ', false, json::error_handler_t::replace));
      });
    });
    http.Get(R"(/api/schema/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        const auto& e = table_or_throw(req.matches[1]);
        send_json(res, schema_json(schema_of(e)).dump(-1, ' ', false, json::error_handler_t::replace));
      });
    });
    http.Get(R"(/api/tables/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] { rest_table(req, res, req.matches[1]); });
    });
    http.Post("/api/sql", [this](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) {
      guarded(res, [&] { post_sql(req, res, reader); });
    });
    http.Get(R"(/([^/]*))", [this](const httplib::Request& req, httplib::Response& res) {
      std::string name = req.matches[1];
      if (name.empty()) name = "index.html";
      auto it = site_files.find(name);
      if (it == site_files.end() || name.front() == '.') {
        res.status = 404;
        return;
      }
      res.set_content(it->second, content_type_of(name));
    });
  }

  static const char* content_type_of(const std::string& name) {
    auto ends = [&](const char* ext) {
      std::string e = ext;
      return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
    };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".js")) return "text/javascript; charset=utf-8";
    if (ends(".css")) return "text/css; charset=utf-8";
    if (ends(".json")) return "application/json";
    if (ends(".svg")) return "image/svg+xml";
    return "application/octet-stream";
  }

  static json schema_json(const Schema& schema) {
    json fields = json::array();
    for (const auto& f : schema)
      fields.push_back({{"name", f.name}, {"type", f.type.polars_name()}, {"sql_type", f.type.sql_name()}});
    return {{"fields", fields}};
  }

  void cors(const httplib::Request& req, httplib::Response& res) {
    if (settings.cors_origins.empty()) return;
    std::string origin = req.get_header_value("Origin");
    if (origin.empty()) return;
    bool any = false, allowed = false;
    for (const auto& o : settings.cors_origins) {
      if (o == "*") any = true;
      if (o == origin) allowed = true;
    }
    if (!allowed && !any) return;
    res.set_header("Access-Control-Allow-Origin", allowed ? origin : "*");
    res.set_header("Vary", "Origin");
    if (req.method == "OPTIONS") {
      res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept");
      res.set_header("Access-Control-Max-Age", "600");
    }
  }

  void rest_table(const httplib::Request& req, httplib::Response& res, const std::string& name) {
    const auto& e = table_or_throw(name);
    // The raw query string, still percent-encoded: the parser decodes it
    // itself, after splitting (a decoded '&' must not split a value).
    std::string raw = req.target.find('?') == std::string::npos ? "" : req.target.substr(req.target.find('?') + 1);
    RestQuery query = parse_rest_query(raw);
    std::string table_ref = sql_name(e.database) + "." + sql_name(e.table->name());
    if (query.version || query.as_of) {
      LazyFrame f = session->table(e.database, e.table->name());
      try {
        f = query.version ? f.at_version(*query.version) : f.as_of(*query.as_of);
      } catch (const Error& err) {
        throw ApiError(api_error_kind::kInvalidTimeTravel, err.code(), query.version ? "version" : "as_of",
                       one_line(err.what()));
      }
      table_ref = "(" + f.sql() + ") AS " + sql_name(e.table->name());
    }
    std::string sql = rest_query_to_sql(query, table_ref, schema_of(e));
    stream_query(req, res, sql, query.format);
  }

  void post_sql(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    if (req.has_header("Content-Length")) {
      uint64_t declared = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
      if (declared > settings.max_body_bytes) {
        throw HttpError{413, kind::kBodyTooLarge,
                        "the request body (" + std::to_string(declared) + " bytes) is larger than " +
                            std::to_string(settings.max_body_bytes >> 10) + " KiB (server.max_body_kb)",
                        true};
      }
    }
    std::string body;
    bool too_large = false;
    bool complete = reader([&](const char* data, size_t len) {
      if (body.size() + len > settings.max_body_bytes) {
        too_large = true;
        return false;
      }
      body.append(data, len);
      return true;
    });
    if (too_large) {
      throw HttpError{413, kind::kBodyTooLarge,
                      "the request body is larger than " + std::to_string(settings.max_body_bytes >> 10) +
                          " KiB (server.max_body_kb)",
                      true};
    }
    if (!complete) {
      throw HttpError{408, kind::kRequestTimeout,
                      "the request body did not arrive within " + std::to_string(settings.read_timeout.count()) +
                          " ms (server.read_timeout_ms)",
                      true};
    }
    if (body.find_first_not_of(" \t\r\n") == std::string::npos)
      throw HttpError{400, kind::kPlanSql, "the body must hold one SQL query"};
    std::optional<Encoding> format;
    if (req.has_param("format")) format = encoding_from_format_name(req.get_param_value("format"));
    stream_query(req, res, body, format);
  }
};

ApiServer::ApiServer(Catalog catalog, ApiServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(catalog), std::move(options))) {}

ApiServer::~ApiServer() = default;

int ApiServer::bind() {
  const auto& s = impl_->settings;
  int port = s.port == 0 ? impl_->http.bind_to_any_port(s.host)
                         : (impl_->http.bind_to_port(s.host.c_str(), s.port) ? s.port : -1);
  if (port < 0) {
    throw Error(ErrorCode::Unavailable, s.host + ":" + std::to_string(s.port),
                "cannot listen on " + s.host + ":" + std::to_string(s.port) +
                    " (in use, or not an address of this machine); choose another with --port or server.port");
  }
  impl_->port = port;
  const std::string host = s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host;
  impl_->prepare_site("http://" + host + ":" + std::to_string(port));
  return port;
}

void ApiServer::run() {
  if (impl_->port < 0) bind();
  impl_->http.listen_after_bind();
}

void ApiServer::shutdown(std::chrono::milliseconds grace) {
  impl_->draining = true;
  auto deadline = Clock::now() + grace;
  // Queries in flight finish (or their time runs out) before the listener closes.
  while (impl_->metrics.queries_running() > 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  impl_->http.stop();
}

}  // namespace neuralake::server

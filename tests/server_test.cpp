// `neuralake serve` end to end: an ApiServer over a catalog built here, run
// in-process on a free loopback port and spoken to over HTTP (cpp-httplib's
// client, and raw sockets where a client must misbehave): every endpoint,
// every encoding (decoded and compared with the same query run in-process),
// the limits and their errors, authentication, CORS, cancellation when a
// client goes away, and graceful shutdown.
//
// ROAPI compatibility: the ServeTest.Roapi* cases are transcribed from
// roapi/roapi, roapi/tests/api_test.rs (test_schema, test_uk_cities_sql_post,
// test_sql_invalid_post, test_ubuntu_ami_sql_post, test_rest_get), over
// tables of the same shapes (uk_cities: city, lat, lng; ubuntu_ami: name,
// version, release, arch, zone, instance_type, ami_id; spacex_launches: a few
// launch fields) with rows written here. The error kinds are those of
// columnq/src/error.rs (QueryError: plan_sql, invalid_table, ...).
// Deliberate differences from ROAPI these tests pin down:
//   - Table names are "{db}_{table}" (ROAPI: the table's configured name);
//     "{db}.{table}" is accepted too, in REST paths, schema paths and SQL.
//   - An unknown table is 400 invalid_table with a "did you mean" suggestion;
//     ROAPI's message is the engine's "Failed to load table ..." text.
//   - Error messages are ours (the engine is DuckDB, not DataFusion): clients
//     may branch on `code` and `error`, never on `message`. ROAPI's
//     test_sql_invalid_post compares the whole message.
//   - /api/schema answers {"fields": [{"name", "type", "sql_type"}]} per
//     table, not Arrow's serialized Schema (which also has "metadata" and
//     each field's "nullable", "dict_id", ...).
//   - No GraphQL (/api/graphql), key-value stores (/api/kv), HTTP/2 or
//     FlightSQL: those ROAPI tests do not apply.
//   - POST /api/sql runs one query (SELECT, WITH, VALUES, FROM-first, UNION)
//     over the catalog's tables: any other statement, several, or a read of
//     a file outside the catalog is 403 forbidden (the session is confined
//     to its catalog, docs/sandbox.md).
//   - Results stream: an error found before the first byte is a JSON error
//     answer; one found later ends an NDJSON body with an {"error": ...}
//     line and leaves other encodings truncated (the connection closes
//     without the last chunk). ROAPI builds the whole answer first.
//   - Beyond ROAPI: NDJSON; ?format=; 401/403 with a token; 408, 413, 429 with
//     Retry-After, 503 while draining, 504 past the query timeout; limits on
//     result rows and bytes; an unknown /api route or method is a 404 JSON
//     error; /health, /api/version, /metrics and the catalog site at /.
//
// The Arrow IPC and Parquet answers are decoded by npm apache-arrow and
// hyparquet (tests/node/decode_result.js); without them those tests fail,
// saying how to install them.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "neuralake/neuralake.h"
#include "server/api_server.h"
#include "testing/gated_scans.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace srv = neuralake::server;
using json = nlohmann::json;
using nl::testing::TempDir;
using namespace std::chrono_literals;

namespace {

// --- the catalog --------------------------------------------------------------

// Writes the tables' Parquet files into `dir` with a Session.
void write_parquet_tables(const TempDir& dir) {
  nl::Session s(nl::SessionOptions{});
  auto copy = [&](const std::string& select, const std::string& file, const std::string& columns = "*") {
    s.execute("COPY (SELECT " + columns + " FROM (" + select + ")) TO '" + (dir.path() / file).string() +
              "' (FORMAT parquet)");
  };
  // ROAPI's uk_cities shape: five cities inside lat (52, 53) and lng < -1, others not.
  copy(
      "SELECT * FROM (VALUES "
      "('Elgin, Scotland, the UK', 57.653484, -3.335724), "
      "('Solihull, Birmingham, UK', 52.412811, -1.778197), "
      "('Cardiff, Cardiff county, UK', 51.481583, -3.17909), "
      "('Rugby, Warwickshire, UK', 52.370878, -1.265032), "
      "('Cambridge, Cambridgeshire, UK', 52.205337, 0.121817), "
      "('Sutton Coldfield, West Midlands, UK', 52.570385, -1.824042), "
      "('Wolverhampton, West Midlands, UK', 52.586973, -2.12882), "
      "('Norwich, Norfolk, UK', 52.630886, 1.297355), "
      "('Frankton, Warwickshire, UK', 52.328415, -1.377561), "
      "('Leeds, West Yorkshire, UK', 53.800755, -1.549077)"
      ") t(city, lat, lng)",
      "uk_cities.parquet", "city, lat::DOUBLE AS lat, lng::DOUBLE AS lng");
  // ROAPI's ubuntu_ami shape.
  std::string ami_rows;
  const char* versions[][3] = {{"precise", "12.04 LTS", "20170502"}, {"trusty", "14.04 LTS", "20191107"},
                               {"xenial", "16.04 LTS", "20201202.1"}, {"bionic", "18.04 LTS", "20201201"},
                               {"disco", "19.04", "20200115"},       {"eoan", "19.10", "20200716.1"},
                               {"focal", "20.04 LTS", "20201201"},   {"groovy", "20.10", "20201205"}};
  int n = 0;
  for (const auto& v : versions) {
    for (const char* arch : {"amd64", "i386"}) {
      for (const char* zone : {"us-west-2", "eu-west-1"}) {
        for (const char* type : {"hvm:ebs-ssd", "hvm:instance-store"}) {
          std::string id = "ami-" + std::to_string(100000 + n++);
          if (std::string(v[1]) == "12.04 LTS" && std::string(arch) == "amd64" && std::string(zone) == "us-west-2" &&
              std::string(type) == "hvm:ebs-ssd")
            id = "ami-270f9747";
          std::string link = "<a href=\"https://console.aws.amazon.com/ec2/home?region=" + std::string(zone) +
                             "#launchAmi=" + id + "\">" + id + "</a>";
          if (!ami_rows.empty()) ami_rows += ", ";
          ami_rows += "('" + std::string(zone) + "', '" + v[0] + "', '" + v[1] + "', '" + arch + "', '" + type +
                      "', '" + v[2] + "', '" + link + "')";
        }
      }
    }
  }
  copy("SELECT * FROM (VALUES " + ami_rows + ") t(zone, name, version, arch, instance_type, release, ami_id)",
       "ubuntu_ami.parquet");
  // ROAPI's spacex_launches shape, a few of its fields.
  copy(
      "SELECT * FROM (VALUES "
      "('5eb87cd9ffd86e000604b32a', 'FalconSat', 1, TIMESTAMP '2006-03-24 22:30:00', false), "
      "('600f9a8d8f798e2a4d5f979e', 'Starlink-21 (v1.0)', 118, TIMESTAMP '2021-03-14 10:01:00', true), "
      "('5eb87d46ffd86e000604b389', 'CRS-21', 109, TIMESTAMP '2020-12-06 16:17:08', NULL)"
      ") t(id, name, flight_number, date_utc, success)",
      "spacex_launches.parquet");
  // Values that test the encodings: quoting, nulls, negative and inexact doubles.
  copy(
      "SELECT * FROM (VALUES "
      "(1::BIGINT, 'plain', 2.5::DOUBLE, 7::INTEGER, 'n1'), "
      "(2, 'a,b', 0.1, -3, NULL), "
      "(3, 'say \"hi\"', -3.75, 0, 'n3'), "
      "(4, 'line\nbreak', 1e20, 2147483647, ''), "
      "(5, '', NULL, NULL, 'n5'), "
      "(9007199254740993, 'big', 1.0e-7, 1, 'n6')"
      ") t(id, name, price, qty, note)",
      "shop_items.parquet");
}

// A function table of many batches (`rows` rows each, a padded string column)
// that counts how often its scan is pulled; it ends after `max_batches`, or
// when stop() is called (so a test that fails leaves no endless query behind).
class CountingTable {
 public:
  CountingTable(size_t rows, size_t max_batches) : rows_(rows), max_batches_(max_batches) {}
  ~CountingTable() { stop(); }
  nl::Table table(const std::string& name) const {
    auto st = state_;
    size_t rows = rows_, max_batches = max_batches_;
    return nl::FunctionTable(name, {{"n", nl::DataType::int64()}, {"pad", nl::DataType::string()}},
                             [st, rows, max_batches](const nl::ScanRequest&) {
                               auto next = std::make_shared<size_t>(0);
                               return nl::make_batch_reader([st, rows, max_batches, next]() -> std::optional<nl::DataFrame> {
                                 if (st->stopped || *next >= max_batches) return std::nullopt;
                                 ++st->pulls;
                                 std::vector<int64_t> n(rows);
                                 for (size_t i = 0; i < rows; ++i) n[i] = static_cast<int64_t>(*next * rows + i);
                                 ++*next;
                                 std::vector<std::string> pad(rows, std::string(100, 'x'));
                                 return nl::DataFrame::from_columns({nl::Series("n", std::move(n)), nl::Series("pad", std::move(pad))});
                               });
                             });
  }
  int64_t pulls() const { return state_->pulls; }
  void stop() const { state_->stopped = true; }

 private:
  struct State {
    std::atomic<int64_t> pulls{0};
    std::atomic<bool> stopped{false};
  };
  size_t rows_, max_batches_;
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// A function table whose scan yields one row every 20 ms until stopped.
class SlowTable {
 public:
  ~SlowTable() { *stopped_ = true; }
  nl::Table table(const std::string& name) const {
    auto stopped = stopped_;
    return nl::FunctionTable(name, {{"n", nl::DataType::int64()}}, [stopped](const nl::ScanRequest&) {
      auto i = std::make_shared<int64_t>(0);
      return nl::make_batch_reader([stopped, i]() -> std::optional<nl::DataFrame> {
        if (*stopped || *i >= 100000) return std::nullopt;
        std::this_thread::sleep_for(20ms);
        return nl::DataFrame::from_columns({nl::Series("n", std::vector<int64_t>{(*i)++})});
      });
    });
  }

 private:
  std::shared_ptr<std::atomic<bool>> stopped_ = std::make_shared<std::atomic<bool>>(false);
};

struct TestData {
  TempDir dir;
  CountingTable counter{1000, 1'000'000};
  SlowTable slow;
  nl::testing::GatedScans gated;

  TestData() { write_parquet_tables(dir); }

  nl::SessionOptions options() const {
    nl::SessionOptions o;
    o.warehouse = dir.str();
    o.threads = 2;
    return o;
  }

  // uk_cities, ubuntu_ami, spacex_launches, shop_items, fn_counter, fn_slow,
  // and fn_gated when asked (its scans block until the gate opens).
  nl::Catalog catalog(bool with_gated = false) const {
    std::vector<nl::Table> fn = {counter.table("counter"), slow.table("slow")};
    if (with_gated) fn.push_back(gated.table("gated"));
    return nl::Catalog({{"uk", nl::Database({nl::ParquetTable("cities", "{warehouse}/uk_cities.parquet")})},
                        {"ubuntu", nl::Database({nl::ParquetTable("ami", "{warehouse}/ubuntu_ami.parquet")})},
                        {"spacex", nl::Database({nl::ParquetTable("launches", "{warehouse}/spacex_launches.parquet")})},
                        {"shop", nl::Database({nl::ParquetTable("items", "{warehouse}/shop_items.parquet")})},
                        {"fn", nl::Database(fn)}},
                       options());
  }
};

// --- the server ---------------------------------------------------------------

nl::ServerSettings loopback_settings() {
  nl::ServerSettings s;
  s.host = "127.0.0.1";
  s.port = 0;
  s.workers = 8;
  return s;
}

// An ApiServer running on its own thread on a free loopback port.
class RunningServer {
 public:
  RunningServer(nl::Catalog catalog, nl::ServerSettings settings = loopback_settings()) {
    settings.host = "127.0.0.1";
    settings.port = 0;
    srv::ApiServerOptions options;
    options.settings = settings;
    server_ = std::make_unique<srv::ApiServer>(std::move(catalog), std::move(options));
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~RunningServer() { stop(2s); }

  // Graceful shutdown; returns when run() has returned.
  void stop(std::chrono::milliseconds grace = 10s) {
    if (!thread_.joinable()) return;
    server_->shutdown(grace);
    thread_.join();
  }
  srv::ApiServer& server() { return *server_; }
  int port() const { return port_; }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_url_encode(false);  // paths are sent as written, escapes included
    c->set_connection_timeout(10, 0);
    c->set_read_timeout(60, 0);
    c->set_write_timeout(60, 0);
    return c;
  }
  httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) const {
    return client()->Get(path.c_str(), headers);
  }
  httplib::Result post_sql(const std::string& sql, const std::string& query = "",
                           const httplib::Headers& headers = {}) const {
    return client()->Post(("/api/sql" + query).c_str(), headers, sql, "text/plain");
  }
  std::string metrics() const {
    auto r = get("/metrics");
    return r && r->status == 200 ? r->body : "";
  }

 private:
  std::unique_ptr<srv::ApiServer> server_;
  int port_ = -1;
  std::thread thread_;
};

// The value of the metric line that starts with `name` ("name{labels}" or
// "name"); -1 when it is absent.
double metric(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return -1;
}

// --- raw sockets, for clients that misbehave ------------------------------------

class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { close(); }
  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Reads until `want` bytes have arrived in all, the peer closes, or `timeout` passes.
  std::string read(size_t want, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.size() < want && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_by_peer_ = true;
        break;
      }
      received_.append(buf, static_cast<size_t>(n));
    }
    return received_;
  }
  // Reads one whole answer with a Content-Length body (what arrived when the
  // peer closed or `timeout` passed, otherwise).
  std::string read_response(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (size_t want = 1;; ++want) {
      read(want, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (closed_by_peer_ || std::chrono::steady_clock::now() >= deadline) return received_;
      auto end = received_.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      auto at = received_.find("Content-Length: ");
      if (at == std::string::npos || at > end) return received_;
      size_t length = std::stoul(received_.substr(at + 16));
      if (received_.size() >= end + 4 + length) return received_;
      want = end + 4 + length - 1;
    }
  }
  bool closed_by_peer() const { return closed_by_peer_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_by_peer_ = false;
  std::string received_;
};

// The JSON body of the first answer in `raw` (by its Content-Length); an
// empty object if there is none.
json json_body_of(const std::string& raw) {
  auto end = raw.find("\r\n\r\n");
  auto at = raw.find("Content-Length: ");
  if (end == std::string::npos || at == std::string::npos || at > end) return json::object();
  json body = json::parse(raw.substr(end + 4, std::stoul(raw.substr(at + 16))), nullptr, false);
  return body.is_object() ? body : json::object();
}

// Polls `done` every 50 ms for up to 20 s.
template <class F>
bool eventually(F&& done) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

// --- what answers look like ----------------------------------------------------

// ROAPI's error shape: a JSON {"code": status, "error": kind, "message": ...},
// the message naming `names` when given.
::testing::AssertionResult IsApiError(const httplib::Result& r, int status, const std::string& kind,
                                      const std::string& names = "") {
  if (!r) return ::testing::AssertionFailure() << "no answer: " << httplib::to_string(r.error());
  if (r->status != status)
    return ::testing::AssertionFailure() << "status " << r->status << ", expected " << status << ": " << r->body;
  if (r->get_header_value("Content-Type").rfind("application/json", 0) != 0)
    return ::testing::AssertionFailure() << "Content-Type " << r->get_header_value("Content-Type");
  json body = json::parse(r->body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return ::testing::AssertionFailure() << "not a JSON object: " << r->body;
  if (body.size() != 3 || body.value("code", 0) != status || body.value("error", "") != kind ||
      !body["message"].is_string() || body["message"].get<std::string>().empty())
    return ::testing::AssertionFailure() << "expected {code: " << status << ", error: " << kind
                                         << ", message}, got " << r->body;
  if (!names.empty() && body["message"].get<std::string>().find(names) == std::string::npos)
    return ::testing::AssertionFailure() << "the message does not name '" << names << "': " << r->body;
  return ::testing::AssertionSuccess();
}

json cell_json(const nl::Value& v) {
  if (v.is_null()) return nullptr;
  if (v.is<bool>()) return v.as<bool>();
  if (v.is<int64_t>()) return v.as<int64_t>();
  if (v.is<uint64_t>()) return v.as<uint64_t>();
  if (v.is<double>()) return v.as<double>();
  if (v.is<std::string>()) return v.as<std::string>();
  return v.to_string();
}

// A result as ROAPI's JSON rows: an array of objects.
json rows_json(const nl::DataFrame& df) {
  json rows = json::array();
  for (size_t r = 0; r < df.num_rows(); ++r) {
    json row = json::object();
    for (size_t c = 0; c < df.num_columns(); ++c) row[df.column(c).name()] = cell_json(df.value(r, c));
    rows.push_back(row);
  }
  return rows;
}

std::vector<json> ndjson_lines(const std::string& body) {
  std::vector<json> out;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) out.push_back(json::parse(line, nullptr, false));
  return out;
}

// RFC 4180 records: quoted fields may hold commas, quotes (doubled) and newlines.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    any = true;
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
      any = false;
    } else {
      field += c;
    }
  }
  if (any) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

// Compares CSV records (header first) with the expected result: nulls are
// empty fields, numbers compared as numbers.
void expect_csv_matches(const std::string& body, const nl::DataFrame& expected) {
  auto records = parse_csv(body);
  ASSERT_EQ(records.size(), expected.num_rows() + 1) << body;
  EXPECT_EQ(records[0], expected.column_names());
  for (size_t r = 0; r < expected.num_rows(); ++r) {
    ASSERT_EQ(records[r + 1].size(), expected.num_columns()) << "record " << r;
    for (size_t c = 0; c < expected.num_columns(); ++c) {
      const nl::Value v = expected.value(r, c);
      const std::string& got = records[r + 1][c];
      if (v.is_null()) {
        EXPECT_EQ(got, "") << "row " << r << " column " << c;
      } else if (v.is<double>()) {
        EXPECT_EQ(std::strtod(got.c_str(), nullptr), v.as<double>()) << "row " << r << ": " << got;
      } else if (v.is<int64_t>()) {
        EXPECT_EQ(got, std::to_string(v.as<int64_t>()));
      } else if (v.is<std::string>()) {
        EXPECT_EQ(got, v.as<std::string>());
      } else {
        EXPECT_EQ(got, v.to_string());
      }
    }
  }
}

// --- the fixture ----------------------------------------------------------------

// One server over the shared test catalog, for the tests that do not change
// its settings; an in-process session over the same catalog gives the
// expected results.
class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new TestData();
    server_ = new RunningServer(data_->catalog());
    session_ = new nl::Session(data_->catalog(), data_->options());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete session_;
    delete data_;
  }
  static nl::DataFrame expected(const std::string& sql) { return session_->sql(sql); }

  static TestData* data_;
  static RunningServer* server_;
  static nl::Session* session_;
};
TestData* ServeTest::data_ = nullptr;
RunningServer* ServeTest::server_ = nullptr;
nl::Session* ServeTest::session_ = nullptr;

const char* kItemsSql = "SELECT * FROM shop.items ORDER BY id";

// --- endpoints ---------------------------------------------------------------------

TEST_F(ServeTest, Health) {
  auto r = server_->get("/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body), json({{"status", "ok"}}));
}

TEST_F(ServeTest, Version) {
  auto r = server_->get("/api/version");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json v = json::parse(r->body);
  EXPECT_TRUE(v["neuralake"].is_string());
  EXPECT_EQ(v["engine"].get<std::string>().rfind("DuckDB ", 0), 0u) << v;
  EXPECT_EQ(v["api"], "roapi-compatible");
  EXPECT_TRUE(v.contains("catalog"));
}

TEST_F(ServeTest, TablesAreTheSiteMetadata) {
  auto r = server_->get("/api/tables");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  json doc = json::parse(r->body);
  std::vector<std::string> names;
  for (const auto& c : doc["catalogs"])
    for (const auto& d : c["databases"])
      for (const auto& t : d["tables"]) names.push_back(t["qualified_name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"uk.cities", "ubuntu.ami", "spacex.launches", "shop.items", "fn.counter",
                                             "fn.slow"}));
  // The site's data file is the same document.
  auto site = server_->get("/data.json");
  ASSERT_TRUE(site);
  EXPECT_EQ(site->status, 200);
  EXPECT_EQ(site->body, r->body);
  auto js = server_->get("/data.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->body, "window.NEURALAKE_CATALOG = " + r->body + ";\n");
}

TEST_F(ServeTest, SchemaOfEveryTableAndOfOne) {
  auto all = server_->get("/api/schema");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200) << all->body;
  json body = json::parse(all->body);
  for (const char* name : {"uk_cities", "ubuntu_ami", "spacex_launches", "shop_items", "fn_counter", "fn_slow"})
    EXPECT_TRUE(body.contains(name)) << name << " missing from " << all->body;

  json cities = {{"fields",
                  {{{"name", "city"}, {"type", "str"}, {"sql_type", "VARCHAR"}},
                   {{"name", "lat"}, {"type", "f64"}, {"sql_type", "DOUBLE"}},
                   {{"name", "lng"}, {"type", "f64"}, {"sql_type", "DOUBLE"}}}}};
  for (const char* path : {"/api/schema/uk_cities", "/api/schema/uk.cities"}) {
    auto one = server_->get(path);
    ASSERT_TRUE(one);
    ASSERT_EQ(one->status, 200) << path << ": " << one->body;
    EXPECT_EQ(json::parse(one->body), cities) << path;
  }
  EXPECT_EQ(body["uk_cities"], cities);
  EXPECT_TRUE(IsApiError(server_->get("/api/schema/uk_citys"), 400, "invalid_table", "uk_cities"));
}

TEST_F(ServeTest, RestQueryWithRoapiParameters) {
  const std::string q =
      "?columns=city,lng&filter[lat]gt=52&filter[lat]lt=53&filter[lng]lt=-1&sort=-lng,city&limit=3";
  auto want = rows_json(expected(
      "SELECT city, lng FROM uk.cities WHERE lat > 52 AND lat < 53 AND lng < -1 ORDER BY lng DESC, city LIMIT 3"));
  ASSERT_EQ(want.size(), 3u);
  for (const char* name : {"uk_cities", "uk.cities"}) {
    auto r = server_->get(std::string("/api/tables/") + name + q);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << name << ": " << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    EXPECT_EQ(json::parse(r->body), want) << name;
  }
  // page counts from 1: page 2 of 3 rows starts at the fourth.
  auto page = server_->get("/api/tables/uk_cities?columns=city&sort=city&limit=3&page=2");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_EQ(json::parse(page->body), rows_json(expected("SELECT city FROM uk.cities ORDER BY city LIMIT 3 OFFSET 3")));
  // A quoted string value, percent-encoded as a browser sends it.
  auto eq = server_->get("/api/tables/uk_cities?columns=lat&filter[city]eq=%27Rugby,%20Warwickshire,%20UK%27");
  ASSERT_TRUE(eq);
  ASSERT_EQ(eq->status, 200) << eq->body;
  EXPECT_EQ(json::parse(eq->body), json::parse(R"([{"lat":52.370878}])"));
}

TEST_F(ServeTest, PostSqlWithApiAndQualifiedNames) {
  auto want = rows_json(expected("SELECT i.name, c.city FROM shop.items i, uk.cities c WHERE i.id = 1 AND c.lat > 57"));
  ASSERT_EQ(want.size(), 1u);
  for (const char* sql : {"SELECT i.name, c.city FROM shop_items i, uk_cities c WHERE i.id = 1 AND c.lat > 57",
                          "SELECT i.name, c.city FROM shop.items i, uk.cities c WHERE i.id = 1 AND c.lat > 57"}) {
    auto r = server_->post_sql(sql);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << sql << ": " << r->body;
    EXPECT_EQ(json::parse(r->body), want) << sql;
  }
}

TEST_F(ServeTest, MetricsCountRequestsRowsAndBytes) {
  std::string before = server_->metrics();
  const std::string requests = "neuralake_http_requests_total{route=\"/api/tables/{table}\",status=\"200\"}";
  double requests_before = std::max(0.0, metric(before, requests));
  double rows_before = metric(before, "neuralake_rows_sent_total");
  double bytes_before = metric(before, "neuralake_bytes_sent_total");
  ASSERT_GE(rows_before, 0) << before;
  auto r = server_->get("/api/tables/uk_cities");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/nope"), 400, "invalid_table"));
  // A request is counted once its answer is written: soon after the client has it.
  EXPECT_TRUE(eventually([&] { return metric(server_->metrics(), requests) == requests_before + 1; }))
      << server_->metrics();
  std::string after = server_->metrics();
  EXPECT_EQ(metric(after, "neuralake_rows_sent_total"), rows_before + 10) << after;
  EXPECT_GE(metric(after, "neuralake_bytes_sent_total"), bytes_before + static_cast<double>(r->body.size())) << after;
  EXPECT_GE(metric(after, "neuralake_http_errors_total{kind=\"invalid_table\"}"), 1) << after;
  // The query's slot is given back once its answer is written: soon after the client has it.
  EXPECT_TRUE(eventually([&] { return metric(server_->metrics(), "neuralake_queries_running") == 0; }));
  EXPECT_NE(after.find("neuralake_http_request_duration_seconds_bucket{route=\"/api/tables/{table}\",le=\"+Inf\"}"),
            std::string::npos);
}

TEST_F(ServeTest, SiteAndUnknownRoutes) {
  // The catalog site's front end, as compiled in from apps/neuralake/site/web/.
  const auto web = nl::testing::source_dir() / "apps" / "neuralake" / "site" / "web";
  const std::pair<const char*, const char*> files[] = {{"index.html", "text/html; charset=utf-8"},
                                                       {"app.js", "text/javascript; charset=utf-8"},
                                                       {"style.css", "text/css; charset=utf-8"}};
  for (const auto& [name, type] : files) {
    auto r = server_->get(std::string("/") + name);
    ASSERT_TRUE(r) << name;
    EXPECT_EQ(r->status, 200) << name;
    EXPECT_EQ(r->get_header_value("Content-Type"), type) << name;
    EXPECT_EQ(r->body, nl::testing::read_file(web / name)) << name;
  }
  auto index = server_->get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, nl::testing::read_file(web / "index.html"));
  // A missing page is the site's own 404 page.
  auto missing = server_->get("/no-such-file.html");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(missing->body, nl::testing::read_file(web / "404.html"));
  auto hidden = server_->get("/.neuralake-site");
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->status, 404);
  EXPECT_TRUE(IsApiError(server_->get("/api/nope"), 404, "not_found", "/api/nope"));
  EXPECT_TRUE(IsApiError(server_->client()->Delete("/api/tables/uk_cities"), 404, "not_found"));
  EXPECT_TRUE(IsApiError(server_->client()->Post("/api/tables/uk_cities", "x", "text/plain"), 404, "not_found"));
}

// --- encodings -----------------------------------------------------------------------

struct EncodingCase {
  const char* accept;
  const char* query;  // appended to the path
  const char* content_type;
  const char* kind;   // json, csv, ndjson
};

const EncodingCase kEncodingCases[] = {
    {nullptr, "", "application/json", "json"},
    {"application/json", "", "application/json", "json"},
    {"text/csv", "", "text/csv", "csv"},
    {"application/csv", "", "application/csv", "csv"},
    {"application/x-ndjson", "", "application/x-ndjson", "ndjson"},
    {"application/jsonl", "", "application/jsonl", "ndjson"},
    {"text/csv;q=0.5, application/x-ndjson", "", "application/x-ndjson", "ndjson"},
    {"application/json;q=0.1, text/*", "", "text/csv", "csv"},
    {"application/json;q=0, text/csv;q=0.2", "", "text/csv", "csv"},
    {"*/*", "", "application/json", "json"},
    {"image/png", "", "application/json", "json"},
    // A browser's header: nothing of ours named, */* at 0.8: JSON, never 406.
    {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", "", "application/json",
     "json"},
    {"application/json", "&format=csv", "text/csv", "csv"},
    {"text/csv", "&format=jsonl", "application/x-ndjson", "ndjson"},
    {nullptr, "&format=JSON", "application/json", "json"},
};

void expect_body_matches(const EncodingCase& c, const std::string& body, const nl::DataFrame& want) {
  std::string kind = c.kind;
  if (kind == "json") {
    EXPECT_EQ(json::parse(body), rows_json(want));
  } else if (kind == "ndjson") {
    std::vector<json> got = ndjson_lines(body);
    json want_rows = rows_json(want);
    ASSERT_EQ(got.size(), want_rows.size()) << body;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want_rows[i]) << "line " << i;
  } else {
    expect_csv_matches(body, want);
  }
}

TEST_F(ServeTest, EncodingsChosenByAcceptAndFormat) {
  nl::DataFrame want = expected(kItemsSql);
  for (const auto& c : kEncodingCases) {
    SCOPED_TRACE(std::string("Accept: ") + (c.accept ? c.accept : "(none)") + " " + c.query);
    httplib::Headers h;
    if (c.accept) h.emplace("Accept", c.accept);
    auto r = server_->get(std::string("/api/tables/shop_items?sort=id") + c.query, h);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), c.content_type);
    expect_body_matches(c, r->body, want);
    // POST /api/sql negotiates the same way.
    auto p = server_->post_sql(kItemsSql, c.query[0] ? "?" + std::string(c.query + 1) : "", h);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->status, 200) << p->body;
    EXPECT_EQ(p->get_header_value("Content-Type"), c.content_type);
    expect_body_matches(c, p->body, want);
  }
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/shop_items?format=xml"), 400, "invalid_format", "xml"));
  EXPECT_TRUE(IsApiError(server_->post_sql(kItemsSql, "?format=xml"), 400, "invalid_format", "xml"));
}

TEST_F(ServeTest, EmptyResultsInEachTextEncoding) {
  const std::string q = "/api/tables/uk_cities?filter[lat]gt=90";
  auto j = server_->get(q);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->status, 200);
  EXPECT_EQ(json::parse(j->body), json::array());
  auto c = server_->get(q + "&format=csv");
  ASSERT_TRUE(c);
  EXPECT_EQ(parse_csv(c->body), (std::vector<std::vector<std::string>>{{"city", "lat", "lng"}}));
  auto n = server_->get(q + "&format=ndjson");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->body, "");
}

// --- Arrow IPC and Parquet, decoded by npm readers ---------------------------------

// Decodes `bytes` with tests/node/decode_result.js: {"columns", "rows"}.
json decode_with_node(const std::string& format, const std::string& bytes) {
  const auto node_dir = nl::testing::source_dir() / "tests" / "node";
  const char* module = format == "parquet" ? "hyparquet" : "apache-arrow";
  EXPECT_TRUE(std::filesystem::exists(node_dir / "node_modules" / module))
      << (node_dir / "node_modules" / module) << " is missing: install the npm test tools with "
      << "`scripts/bootstrap --test` (npm ci in tests/node)";
  EXPECT_EQ(std::system("node --version > /dev/null 2>&1"), 0)
      << "`node` is not on PATH: decoding Arrow and Parquet answers needs Node.js (scripts/bootstrap --test)";
  TempDir dir;
  const auto in = dir.path() / "body";
  const auto out = dir.path() / "decoded.json";
  const auto log = dir.path() / "decode.log";
  nl::testing::write_file(in, bytes);
  std::string cmd = "node '" + (node_dir / "decode_result.js").string() + "' " + format + " '" + in.string() +
                    "' > '" + out.string() + "' 2> '" + log.string() + "'";
  int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "decode_result.js " << format << " failed: " << nl::testing::read_file(log);
  json decoded = json::parse(nl::testing::read_file(out), nullptr, false);
  return decoded.is_discarded() ? json() : decoded;
}

// The expected result as decode_result.js prints it: integers as strings.
json decoded_form(const nl::DataFrame& df) {
  json rows = json::array();
  for (size_t r = 0; r < df.num_rows(); ++r) {
    json row = json::array();
    for (size_t c = 0; c < df.num_columns(); ++c) {
      nl::Value v = df.value(r, c);
      if (v.is<int64_t>()) row.push_back(std::to_string(v.as<int64_t>()));
      else row.push_back(cell_json(v));
    }
    rows.push_back(row);
  }
  return {{"columns", df.column_names()}, {"rows", rows}};
}

struct BinaryCase {
  const char* accept;
  const char* query;
  const char* content_type;
  const char* format;  // decode_result.js's name
};

const BinaryCase kBinaryCases[] = {
    {"application/vnd.apache.arrow.stream", "", "application/vnd.apache.arrow.stream", "arrow_stream"},
    {"application/arrow.stream", "", "application/arrow.stream", "arrow_stream"},
    {nullptr, "&format=arrow", "application/vnd.apache.arrow.stream", "arrow_stream"},
    {"application/vnd.apache.arrow.file", "", "application/vnd.apache.arrow.file", "arrow_file"},
    {"text/csv;q=0.5, application/vnd.apache.arrow.file", "", "application/vnd.apache.arrow.file", "arrow_file"},
    {nullptr, "&format=arrow_file", "application/vnd.apache.arrow.file", "arrow_file"},
    {"application/vnd.apache.parquet", "", "application/vnd.apache.parquet", "parquet"},
    {"application/parquet", "", "application/parquet", "parquet"},
    {"application/json", "&format=parquet", "application/vnd.apache.parquet", "parquet"},
};

// Every Accept header and ?format= of `format`'s cases, on GET and POST:
// the answer decodes to the rows the same query gives in-process.
void expect_binary_answers(const RunningServer& server, const nl::DataFrame& want, const std::string& format) {
  json want_decoded = decoded_form(want);
  for (const auto& c : kBinaryCases) {
    if (c.format != format) continue;
    SCOPED_TRACE(std::string("Accept: ") + (c.accept ? c.accept : "(none)") + " " + c.query);
    httplib::Headers h;
    if (c.accept) h.emplace("Accept", c.accept);
    auto r = server.get(std::string("/api/tables/shop_items?sort=id") + c.query, h);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), c.content_type);
    EXPECT_EQ(decode_with_node(c.format, r->body), want_decoded);
    auto p = server.post_sql(kItemsSql, c.query[0] ? "?" + std::string(c.query + 1) : "", h);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->status, 200) << p->body;
    EXPECT_EQ(decode_with_node(c.format, p->body), want_decoded);
  }
}

TEST_F(ServeTest, ArrowStreamAnswersDecodeToTheSameRows) {
  expect_binary_answers(*server_, expected(kItemsSql), "arrow_stream");
}

TEST_F(ServeTest, ArrowFileAnswersDecodeToTheSameRows) {
  expect_binary_answers(*server_, expected(kItemsSql), "arrow_file");
}

TEST_F(ServeTest, ParquetAnswersDecodeToTheSameRows) {
  expect_binary_answers(*server_, expected(kItemsSql), "parquet");
}

// The decoder itself, on a Parquet file the engine wrote: what the server's
// Parquet answers are compared through reads a known-good file right.
TEST_F(ServeTest, NodeDecoderReadsTheEnginesParquet) {
  const auto file = data_->dir.path() / "decoder_check.parquet";
  session_->execute("COPY (" + std::string(kItemsSql) + ") TO '" + file.string() + "' (FORMAT parquet)");
  EXPECT_EQ(decode_with_node("parquet", nl::testing::read_file(file)), decoded_form(expected(kItemsSql)));
}

// Fifty of the counter's batches, in several of the answer's.
void expect_many_batches_decode(const RunningServer& server, const nl::DataFrame& want, const std::string& format) {
  auto r = server.post_sql("SELECT n, length(pad) AS w FROM (SELECT * FROM fn_counter LIMIT 50000) ORDER BY n",
                           "?format=" + format);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 500);
  EXPECT_EQ(decode_with_node(format, r->body), decoded_form(want));
}

const char* kManyBatchesSql = "SELECT n, length(pad) AS w FROM (SELECT * FROM fn.counter LIMIT 50000) ORDER BY n";

TEST_F(ServeTest, ArrowStreamOfAManyBatchResult) {
  expect_many_batches_decode(*server_, expected(kManyBatchesSql), "arrow_stream");
}

TEST_F(ServeTest, ArrowFileOfAManyBatchResult) {
  expect_many_batches_decode(*server_, expected(kManyBatchesSql), "arrow_file");
}

TEST_F(ServeTest, ParquetOfAManyBatchResult) {
  expect_many_batches_decode(*server_, expected(kManyBatchesSql), "parquet");
}

// --- errors ------------------------------------------------------------------------------

TEST_F(ServeTest, BadParametersAre400NamingThem) {
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?limit=abc"), 400, "invalid_numeric_param", "limit"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?page=0&limit=2"), 400, "invalid_numeric_param", "page"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?columns=city,nope"), 400, "invalid_projection", "nope"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?sort=-latt"), 400, "invalid_sort", "latt"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?filter[latt]gt=1"), 400, "invalid_filter", "latt"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?filter[lat]zz=1"), 400, "rest_query", "zz"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?filter[lat]gt=abc"), 400, "rest_query_value", "lat"));
  // A bare number against a string column: refused with a hint to quote it.
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?filter[city]=20.10"), 400, "invalid_filter", "city"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?version=-1"), 400, "invalid_time_travel", "version"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?limit=1&limit=2"), 400, "rest_query", "limit"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_cities?filter[city]=%zz"), 400, "rest_query"));
}

TEST_F(ServeTest, UnknownTableSuggestsOne) {
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk_citie"), 400, "invalid_table", "did you mean 'uk_cities'"));
  EXPECT_TRUE(IsApiError(server_->get("/api/tables/uk.citie"), 400, "invalid_table", "uk.citie"));
  EXPECT_TRUE(IsApiError(server_->get("/api/schema/nothing_like_it"), 400, "invalid_table", "nothing_like_it"));
}

TEST_F(ServeTest, BadSqlIsPlanSql) {
  auto syntax = server_->post_sql("SELECT city FROM");
  EXPECT_TRUE(IsApiError(syntax, 400, "plan_sql", "syntax error"));
  EXPECT_TRUE(IsApiError(server_->post_sql("SELEC 1"), 400, "plan_sql", "syntax error"));
  EXPECT_TRUE(IsApiError(server_->post_sql("SELECT 'unterminated"), 400, "plan_sql"));
  EXPECT_TRUE(IsApiError(server_->post_sql("SELECT * FROM uk_citys"), 400, "plan_sql", "uk_citys"));
  EXPECT_TRUE(IsApiError(server_->post_sql("SELECT nope FROM uk_cities"), 400, "plan_sql", "nope"));
  EXPECT_TRUE(IsApiError(server_->post_sql(""), 400, "plan_sql"));
  EXPECT_TRUE(IsApiError(server_->post_sql("  \n "), 400, "plan_sql"));
}

// --- ROAPI's own cases (roapi/tests/api_test.rs) ---------------------------------------

TEST_F(ServeTest, RoapiSchema) {  // test_schema
  auto r = server_->get("/api/schema");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(json::parse(r->body).contains("spacex_launches"));
}

TEST_F(ServeTest, RoapiUkCitiesSqlPost) {  // test_uk_cities_sql_post
  auto r = server_->post_sql("SELECT city FROM uk_cities WHERE lat > 52 and lat < 53 and lng < -1");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body), json::parse(R"([
      {"city": "Solihull, Birmingham, UK"},
      {"city": "Rugby, Warwickshire, UK"},
      {"city": "Sutton Coldfield, West Midlands, UK"},
      {"city": "Wolverhampton, West Midlands, UK"},
      {"city": "Frankton, Warwickshire, UK"}])"));
}

TEST_F(ServeTest, RoapiSqlInvalidPost) {  // test_sql_invalid_post (the message is ours)
  EXPECT_TRUE(IsApiError(server_->post_sql("SELECT city FROM"), 400, "plan_sql"));
}

TEST_F(ServeTest, RoapiUbuntuAmiSqlPost) {  // test_ubuntu_ami_sql_post
  auto r = server_->post_sql(
      "SELECT ami_id FROM ubuntu_ami WHERE version='12.04 LTS' AND arch = 'amd64' AND zone='us-west-2' "
      "AND instance_type='hvm:ebs-ssd'");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body), json::parse(R"([
      {"ami_id": "<a href=\"https://console.aws.amazon.com/ec2/home?region=us-west-2#launchAmi=ami-270f9747\">ami-270f9747</a>"}])"));
}

TEST_F(ServeTest, RoapiRestGet) {  // test_rest_get: every Accept header here gets JSON
  const json want = json::parse(R"([
      {"release": "20201205", "version": "20.10", "name": "groovy"},
      {"release": "20201201", "version": "20.04 LTS", "name": "focal"},
      {"release": "20200716.1", "version": "19.10", "name": "eoan"},
      {"release": "20200115", "version": "19.04", "name": "disco"},
      {"release": "20201201", "version": "18.04 LTS", "name": "bionic"},
      {"release": "20201202.1", "version": "16.04 LTS", "name": "xenial"},
      {"release": "20191107", "version": "14.04 LTS", "name": "trusty"},
      {"release": "20170502", "version": "12.04 LTS", "name": "precise"}])");
  for (const char* accept : {static_cast<const char*>(nullptr), "application/json",
                             "text/html,application/xhtml+xml,application/xml;q=0.9",
                             "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.5"}) {
    SCOPED_TRACE(accept ? accept : "(no Accept)");
    httplib::Headers h;
    if (accept) h.emplace("Accept", accept);
    auto r = server_->get(
        "/api/tables/ubuntu_ami?columns=name,version,release&filter[arch]='amd64'&filter[zone]eq='us-west-2'&"
        "filter[instance_type]eq='hvm:ebs-ssd'&sort=-version,release",
        h);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    json got = json::parse(r->body);
    EXPECT_EQ(got, want);
    // The columns come in the order asked for.
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(r->body.substr(0, 10), "[{\"name\":\"");
  }
}

// --- read-only ------------------------------------------------------------------------

// The server's session is shared by every client and confined to its
// catalog: a body that is not one query, or reads outside the catalog, is
// refused (403 forbidden, naming what was refused), so no client can write
// files, read the server's own files, change settings or drop the views that
// answer {db}_{table} names. None of it is a 500.
TEST(ServeReadOnly, PostSqlRunsOneQueryOnly) {
  TestData data;
  RunningServer server(data.catalog());
  const auto written = data.dir.path() / "written.csv";
  const std::pair<std::string, std::string> refused[] = {
      {"DROP VIEW uk_cities", "DROP"},
      {"SELECT 1; DROP VIEW uk_cities", "2 statements"},
      {"SELECT 1 AS a; SELECT 2 AS b", "2 statements"},
      {"CREATE TABLE t AS SELECT 1 AS x", "CREATE"},
      {"COPY (SELECT 1) TO '" + written.string() + "'", "COPY"},
      {"ATTACH ':memory:' AS other", "ATTACH"},
      {"SET threads = 1", "SET"},
      {"PRAGMA version", "PRAGMA"},
      {"INSERT INTO uk_cities VALUES ('x', 1, 2)", "INSERT"},
      {"SELECT * FROM read_text('/etc/passwd')", "/etc/passwd"},
      {"SELECT * FROM read_csv('" + (data.dir.path() / "not_a_table.csv").string() + "')", "not_a_table.csv"},
  };
  nl::testing::write_file(data.dir.path() / "not_a_table.csv", "secret\n42\n");
  for (const auto& [sql, names] : refused) {
    SCOPED_TRACE(sql);
    EXPECT_TRUE(IsApiError(server.post_sql(sql), 403, "forbidden", names));
  }
  auto inner = server.post_sql("SELECT * FROM query('DROP VIEW uk_cities')");
  ASSERT_TRUE(inner);
  EXPECT_GE(inner->status, 400) << inner->body;
  EXPECT_LT(inner->status, 500) << inner->body;
  EXPECT_FALSE(std::filesystem::exists(written));
  auto after = server.post_sql("SELECT count(*)::INTEGER AS n FROM uk_cities");
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 200) << after->body;
  EXPECT_EQ(json::parse(after->body), json::parse(R"([{"n":10}])"));
  auto threads = server.post_sql("SELECT current_setting('threads') AS t");
  ASSERT_TRUE(threads);
  EXPECT_NE(threads->body, R"([{"t":1}])");
  // Every form of one query runs: WITH, VALUES, FROM-first, a final ';', comments.
  for (const char* sql : {"WITH a AS (SELECT 1 AS x) SELECT x FROM a", "VALUES (1)", "FROM uk_cities LIMIT 1",
                          "SELECT 1 AS x;", "SELECT 1 AS x -- a comment", "/* a */ SELECT 1 AS x",
                          "SELECT 1 AS x UNION ALL SELECT 2"}) {
    auto r = server.post_sql(sql);
    ASSERT_TRUE(r) << sql;
    EXPECT_EQ(r->status, 200) << sql << ": " << r->body;
  }
  // Failures while running are the client's too.
  EXPECT_TRUE(IsApiError(server.post_sql("SELECT CAST(city AS INTEGER) FROM uk_cities"), 400, "plan_sql", "city"));
}

// --- limits and their errors (servers of their own) ------------------------------------

TEST(ServeLimits, TokenIsRequiredWhenSet) {
  TestData data;
  nl::ServerSettings s = loopback_settings();
  s.token = "s3cret-token";
  RunningServer server(data.catalog(), s);
  auto none = server.get("/api/tables");
  EXPECT_TRUE(IsApiError(none, 401, "unauthorized"));
  if (none) {
    EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
  }
  EXPECT_TRUE(IsApiError(server.get("/api/tables", {{"Authorization", "Bearer wrong"}}), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(server.get("/api/tables", {{"Authorization", "Bearer s3cret-tokenX"}}), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(server.get("/api/tables", {{"Authorization", "s3cret-token"}}), 403, "forbidden"));
  EXPECT_TRUE(IsApiError(server.post_sql("SELECT 1"), 401, "unauthorized"));
  EXPECT_TRUE(IsApiError(server.get("/metrics"), 401, "unauthorized"));
  auto ok = server.get("/api/tables/uk_cities?limit=1", {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  auto sql = server.post_sql("SELECT 1 AS x", "", {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_TRUE(sql);
  EXPECT_EQ(sql->status, 200) << sql->body;
  auto health = server.get("/health");  // for load balancers: no token
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST(ServeLimits, QueryPastItsTimeIs504) {
  TestData data;
  nl::ServerSettings s = loopback_settings();
  s.query_timeout = 1000ms;
  RunningServer server(data.catalog(), s);
  EXPECT_TRUE(IsApiError(server.post_sql("SELECT * FROM fn_slow"), 504, "query_timeout"));
  EXPECT_TRUE(IsApiError(server.post_sql("SELECT count(*) FROM fn_slow"), 504, "query_timeout"));
  EXPECT_TRUE(IsApiError(server.get("/api/tables/fn_slow"), 504, "query_timeout"));
  EXPECT_TRUE(eventually([&] { return metric(server.metrics(), "neuralake_queries_running") == 0; }));
  auto ok = server.get("/api/tables/uk_cities");  // the server still answers
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(ServeLimits, StalledBodyIs408) {
  TestData data;
  nl::ServerSettings s = loopback_settings();
  s.read_timeout = 500ms;
  RunningServer server(data.catalog(), s);
  RawConnection c(server.port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send("POST /api/sql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     "Content-Length: 100\r\n\r\nSELECT 1"));
  std::string answer = c.read_response(20s);
  ASSERT_EQ(answer.rfind("HTTP/1.1 408", 0), 0u) << answer;
  json body = json_body_of(answer);
  EXPECT_EQ(body.value("error", ""), "request_timeout") << answer;
  EXPECT_EQ(body.value("code", 0), 408);
  // The connection closes: what the client sends next is never read as a request.
  c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  answer = c.read(1 << 20, 20s);
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << answer;
}

TEST(ServeLimits, TooLargeBodyIs413) {
  TestData data;
  nl::ServerSettings s = loopback_settings();
  s.max_body_bytes = 1024;
  RunningServer server(data.catalog(), s);
  std::string big = "SELECT 1 AS x -- " + std::string(4000, 'x');
  EXPECT_TRUE(IsApiError(server.post_sql(big), 413, "request_too_large", "KiB"));
  // Just under the limit is fine.
  auto ok = server.post_sql("SELECT 1 AS x -- " + std::string(900, 'x'));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  // A chunked body (no Content-Length) over the limit too. (A raw socket:
  // the answer may come while a client is still sending, which cpp-httplib's
  // client reports as a failed write.)
  RawConnection c(server.port());
  ASSERT_TRUE(c.connected());
  std::string request = "POST /api/sql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (size_t at = 0; at < big.size(); at += 512) {
    std::string piece = big.substr(at, 512);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    request += size + piece + "\r\n";
  }
  request += "0\r\n\r\n";
  ASSERT_TRUE(c.send(request));
  std::string answer = c.read_response(20s);
  ASSERT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 300);
  json body = json_body_of(answer);
  EXPECT_EQ(body.value("error", ""), "request_too_large") << answer;
  // The connection closes: the unread rest of the body is never read as a request.
  answer = c.read(1 << 20, 20s);
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << answer;
}

TEST(ServeLimits, SmallResultOverMaxRowsFailsBeforeTheFirstByte) {
  TestData data;
  nl::ServerSettings s = loopback_settings();
  s.max_result_rows = 5;
  RunningServer server(data.catalog(), s);
  for (const char* format : {"json", "csv", "ndjson"}) {
    EXPECT_TRUE(IsApiError(server.get(std::string("/api/tables/uk_cities?format=") + format), 400, "result_too_large",
                           "max_result_rows"))
        << format;
  }
  EXPECT_TRUE(IsApiError(server.post_sql("SELECT * FROM uk_cities"), 400, "result_too_large"));
  auto ok = server.get("/api/tables/uk_cities?limit=5");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(json::parse(ok->body).size(), 5u);
}

TEST(ServeLimits, BigResultOverMaxBytesFailsMidStream) {
  TestData data;
  nl::ServerSettings s = loopback_settings();
  s.max_result_bytes = 4 << 20;
  RunningServer server(data.catalog(), s);
  // The server encodes what it reads before answering (about 128K cells)
  // and refuses a result already over the limit there; these rows pass
  // that point under the limit and cross it later.
  const std::string sql = "SELECT n FROM fn_counter LIMIT 2000000";

  // NDJSON: rows, then an {"error": ...} line, and the body ends normally.
  auto nd = server.post_sql(sql, "?format=ndjson");
  ASSERT_TRUE(nd) << httplib::to_string(nd.error());
  EXPECT_EQ(nd->status, 200);
  std::vector<json> lines = ndjson_lines(nd->body);
  ASSERT_GT(lines.size(), 2u);
  EXPECT_EQ(lines.front(), json::parse(R"({"n":0})"));
  const json& last = lines.back();
  ASSERT_TRUE(last.contains("error")) << last;
  EXPECT_EQ(last["error"].value("error", ""), "result_too_large") << last;
  EXPECT_NE(last["error"].value("message", "").find("max_result_mb"), std::string::npos) << last;
  EXPECT_LT(nd->body.size(), (size_t{4} << 20) + 4096);
  for (size_t i = 0; i + 1 < lines.size(); ++i) ASSERT_FALSE(lines[i].is_discarded()) << "line " << i;

  // JSON: the array is left open and the connection closed: the client sees
  // a chunked body without its last chunk, never a complete-looking array.
  std::string received;
  auto streamed = server.client()->Get(
      "/api/tables/fn_counter?columns=n&limit=2000000",
      [&](const char* d, size_t n) {
        received.append(d, n);
        return true;
      });
  EXPECT_FALSE(streamed) << "a truncated JSON body was read as complete";
  ASSERT_FALSE(received.empty());
  EXPECT_EQ(received.front(), '[');
  EXPECT_NE(received.back(), ']');
  EXPECT_LE(received.size(), (size_t{4} << 20) + 4096);
  EXPECT_TRUE(eventually([&] { return metric(server.metrics(), "neuralake_queries_running") == 0; }));
  EXPECT_GE(metric(server.metrics(), "neuralake_http_errors_total{kind=\"result_too_large\"}"), 2);
}

// A result whose first piece is already over the limit is refused before
// the first byte, with a status that says so.
TEST(ServeLimits, ResultOverMaxBytesFromTheStartIsRefusedBeforeTheFirstByte) {
  TestData data;
  nl::ServerSettings s = loopback_settings();
  s.max_result_bytes = 1 << 20;
  RunningServer server(data.catalog(), s);
  auto r = server.post_sql("SELECT n, pad FROM fn_counter LIMIT 100000", "?format=ndjson");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 400);
  json body = json::parse(r->body);
  EXPECT_EQ(body["error"], "result_too_large") << body;
  EXPECT_TRUE(eventually([&] { return metric(server.metrics(), "neuralake_queries_running") == 0; }));
}

TEST(ServeLimits, BusyServerAnswers429WithRetryAfter) {
  TestData data;
  nl::ServerSettings s = loopback_settings();
  s.max_queries = 1;
  RunningServer server(data.catalog(true), s);
  std::optional<httplib::Result> held;
  std::thread first([&] { held.emplace(server.post_sql("SELECT n FROM fn_gated ORDER BY n")); });
  ASSERT_TRUE(data.gated.wait_started(1));
  auto busy = server.get("/api/tables/uk_cities");
  EXPECT_TRUE(IsApiError(busy, 429, "too_many_queries", "1"));
  if (busy) {
    EXPECT_EQ(busy->get_header_value("Retry-After"), "1");
  }
  EXPECT_TRUE(IsApiError(server.post_sql("SELECT 1"), 429, "too_many_queries"));
  // What runs no query is still answered.
  auto tables = server.get("/api/tables");
  ASSERT_TRUE(tables);
  EXPECT_EQ(tables->status, 200);
  std::string m = server.metrics();
  EXPECT_EQ(metric(m, "neuralake_queries_running"), 1) << m;
  EXPECT_EQ(metric(m, "neuralake_queries_rejected_total"), 2) << m;
  data.gated.open();
  first.join();
  ASSERT_TRUE(held && *held);
  EXPECT_EQ((*held)->status, 200) << (*held)->body;
  EXPECT_EQ(json::parse((*held)->body), json::parse(R"([{"n":1},{"n":2},{"n":3}])"));
  EXPECT_TRUE(eventually([&] { return metric(server.metrics(), "neuralake_queries_running") == 0; }));
  auto again = server.get("/api/tables/uk_cities?limit=1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
}

// --- CORS ------------------------------------------------------------------------------------

TEST(ServeCors, NoHeadersByDefault) {
  TestData data;
  RunningServer server(data.catalog());
  auto r = server.get("/api/tables", {{"Origin", "https://app.example"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->has_header("Access-Control-Allow-Origin"));
}

TEST(ServeCors, AllowedOriginIsEchoedOthersAreNot) {
  TestData data;
  nl::ServerSettings s = loopback_settings();
  s.cors_origins = {"https://app.example"};
  s.token = "t";
  RunningServer server(data.catalog(), s);
  auto allowed = server.get("/api/tables", {{"Origin", "https://app.example"}, {"Authorization", "Bearer t"}});
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(allowed->get_header_value("Vary"), "Origin");
  auto other = server.get("/api/tables", {{"Origin", "https://evil.example"}, {"Authorization", "Bearer t"}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
  // An error answer carries the header too, so the page can read it.
  auto denied = server.get("/api/tables", {{"Origin", "https://app.example"}});
  EXPECT_TRUE(IsApiError(denied, 401, "unauthorized"));
  if (denied) {
    EXPECT_EQ(denied->get_header_value("Access-Control-Allow-Origin"), "https://app.example");
  }
  // The preflight needs no token.
  auto preflight = server.client()->Options(
      "/api/sql", {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"},
                   {"Access-Control-Request-Headers", "authorization,content-type"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(preflight->get_header_value("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  auto foreign = server.client()->Options("/api/sql", {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(foreign);
  EXPECT_FALSE(foreign->has_header("Access-Control-Allow-Origin"));
}

// --- cancellation -----------------------------------------------------------------------------

TEST(ServeCancellation, ClientThatDisconnectsCancelsItsQuery) {
  TestData data;
  RunningServer server(data.catalog());
  {
    RawConnection c(server.port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send("GET /api/tables/fn_counter?format=ndjson HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    std::string got = c.read(256 * 1024, 30s);
    ASSERT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got.substr(0, 300);
    ASSERT_GE(got.size(), 256u * 1024) << "the result did not stream";
    EXPECT_EQ(metric(server.metrics(), "neuralake_queries_running"), 1);
  }  // closed mid-stream
  EXPECT_TRUE(eventually([&] { return metric(server.metrics(), "neuralake_queries_running") == 0; }))
      << server.metrics();
  // The scan is no longer pulled.
  int64_t pulls = -1;
  EXPECT_TRUE(eventually([&] {
    int64_t now = data.counter.pulls();
    std::this_thread::sleep_for(300ms);
    bool still = data.counter.pulls() == now;
    pulls = now;
    return still;
  }));
  EXPECT_LT(pulls, 1'000'000) << "the whole table was read";
  auto ok = server.get("/api/tables/uk_cities?limit=1");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

// --- graceful shutdown ------------------------------------------------------------------------

TEST(ServeShutdown, InFlightRequestFinishesNewOnesGet503ThenThePortCloses) {
  TestData data;
  auto server = std::make_unique<RunningServer>(data.catalog(true));
  const int port = server->port();
  std::optional<httplib::Result> in_flight;
  std::thread request([&] { in_flight.emplace(server->post_sql("SELECT n FROM fn_gated ORDER BY n")); });
  ASSERT_TRUE(data.gated.wait_started(1));

  std::thread stopping([&] { server->stop(60s); });
  // While draining: 503, with ROAPI's error shape.
  std::optional<httplib::Result> draining;
  EXPECT_TRUE(eventually([&] {
    httplib::Client c("127.0.0.1", port);
    draining.emplace(c.Get("/api/tables/uk_cities"));
    return *draining && (*draining)->status == 503;
  }));
  ASSERT_TRUE(draining);
  EXPECT_TRUE(IsApiError(*draining, 503, "shutting_down"));
  auto health = httplib::Client("127.0.0.1", port).Get("/health");
  EXPECT_TRUE(IsApiError(health, 503, "shutting_down"));

  data.gated.open();
  request.join();
  ASSERT_TRUE(in_flight && *in_flight) << (in_flight ? httplib::to_string(in_flight->error()) : "");
  EXPECT_EQ((*in_flight)->status, 200);
  EXPECT_EQ(json::parse((*in_flight)->body), json::parse(R"([{"n":1},{"n":2},{"n":3}])"));
  stopping.join();

  httplib::Client after("127.0.0.1", port);
  after.set_connection_timeout(2, 0);
  auto refused = after.Get("/health");
  EXPECT_FALSE(refused) << "the port still answers after shutdown: " << refused->status;
}

}  // namespace

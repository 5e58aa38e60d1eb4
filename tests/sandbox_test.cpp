// A session confined to its catalog (SessionOptions::confine_to_catalog), as
// the API server runs SQL sent by strangers. Every attack below is paired
// with a legitimate query that must still succeed in the same session, so a
// session that refused everything would fail as surely as one that refused
// nothing. The catalog holds local CSV, JSON, Parquet and Delta tables and a
// Parquet table on the local S3 server; "outside" is a directory next to the
// warehouse with a secret of each kind.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "neuralake/config.h"
#include "neuralake/neuralake.h"
#include "testing/s3_local_server.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace nlt = neuralake::testing;
namespace fs = std::filesystem;

namespace {

nlt::LocalS3Environment* const s3 = nlt::LocalS3Environment::add();

// One refused query and the allowed query it is paired with. In both,
// {wh} is the warehouse directory, {out} the directory outside the catalog
// and {outname} its name (a sibling of the warehouse).
struct Attack {
  const char* name;
  const char* attack;
  nl::ErrorCode code;  // what the attack throws
  const char* names;   // text the error message must contain
  const char* legit;
};

using nl::ErrorCode;
constexpr ErrorCode kDenied = ErrorCode::PermissionDenied;

// clang-format off
const Attack kAttacks[] = {
  // --- statements other than one SELECT: refused by the statement check ---
  // Writing a file with the engine's COPY.
  {"copy_to_file", "COPY (SELECT 1) TO '{out}/copied.csv'", kDenied, "got COPY", "SELECT count(*) FROM shop.people"},
  // COPY into a catalog view from a file.
  {"copy_from_file", "COPY shop.people FROM 'file://{wh}/people.csv'", kDenied, "got COPY", "SELECT * FROM shop.people"},
  // Dumping the whole database to disk.
  {"export_database", "EXPORT DATABASE '{out}/dump'", kDenied, "got EXPORT", "SELECT count(*) FROM shop.nums"},
  {"import_database", "IMPORT DATABASE '{out}/dump'", kDenied, "got PRAGMA", "SELECT count(*) FROM shop.events"},
  // Attaching another database: in memory, and a file that would be created.
  {"attach_memory", "ATTACH ':memory:' AS scratch", kDenied, "got ATTACH", "SELECT 1"},
  {"attach_file", "ATTACH '{out}/x.db' AS x", kDenied, "got ATTACH", "SELECT sum(n) FROM shop.nums"},
  {"detach", "DETACH memory", kDenied, "got DETACH", "SELECT count(*) FROM shop.simple"},
  // Extensions: neither installed nor loaded.
  {"install_extension", "INSTALL httpfs", kDenied, "got LOAD", "SELECT count(*) FROM shop.sales"},
  {"load_extension", "LOAD httpfs", kDenied, "got LOAD", "SELECT count(*) FROM shop.events"},
  // Settings: the lock-down itself, any other setting, and their reset.
  {"set_external_access", "SET enable_external_access = true", kDenied, "got SET", "SELECT name FROM shop.people"},
  {"set_threads", "SET threads = 1", kDenied, "got SET", "SELECT max(n) FROM shop.nums"},
  {"set_variable", "SET VARIABLE x = 1", kDenied, "got SET", "SELECT 1 AS x"},
  {"reset_setting", "RESET threads", kDenied, "got SET", "SELECT 2"},
  {"use_schema", "USE shop", kDenied, "got SET", "SELECT count(*) FROM shop.people"},
  {"pragma", "PRAGMA enable_profiling", kDenied, "got PRAGMA", "SELECT * FROM pragma_table_info('shop.people')"},
  // Creating anything: a table, a view over a file, a macro, a secret.
  {"create_table", "CREATE TABLE t AS SELECT 1 AS a", kDenied, "got CREATE", "SELECT 1 AS a"},
  {"create_view", "CREATE VIEW v AS SELECT * FROM read_csv('/etc/passwd')", kDenied, "got CREATE",
   "SELECT * FROM shop.people"},
  {"create_macro", "CREATE MACRO plus_one(x) AS x + 1", kDenied, "got CREATE", "SELECT n + 1 FROM shop.nums"},
  {"create_secret", "CREATE SECRET (TYPE s3, KEY_ID 'a', SECRET 'b')", kDenied, "got CREATE", "SELECT 3"},
  // Changing the catalog's views.
  {"insert_into_view", "INSERT INTO shop.people VALUES (9, 'mallory')", kDenied, "got INSERT",
   "SELECT * FROM shop.people WHERE id = 1"},
  {"update_view", "UPDATE shop.people SET name = 'x'", kDenied, "got UPDATE", "SELECT upper(name) FROM shop.people"},
  {"delete_from_view", "DELETE FROM shop.people", kDenied, "got DELETE", "SELECT count(*) FROM shop.people"},
  {"drop_view", "DROP VIEW shop.people", kDenied, "got DROP", "SELECT * FROM shop.people"},
  {"alter_view", "ALTER VIEW shop.people RENAME TO p2", kDenied, "got ALTER", "SELECT * FROM shop.people"},
  // CALL, CHECKPOINT, VACUUM, transactions, prepared statements.
  {"call", "CALL pragma_version()", kDenied, "got CALL", "SELECT * FROM pragma_version()"},
  {"checkpoint_statement", "CHECKPOINT", kDenied, "got CALL", "SELECT 4"},
  {"vacuum", "VACUUM", kDenied, "got VACUUM", "SELECT 5"},
  {"begin", "BEGIN TRANSACTION", kDenied, "got transaction", "SELECT 6"},
  {"commit", "COMMIT", kDenied, "got transaction", "SELECT 7"},
  {"prepare", "PREPARE p AS SELECT 1", kDenied, "got PREPARE", "SELECT 8"},
  // Several statements, the first harmless.
  {"select_then_copy", "SELECT 1; COPY (SELECT 1) TO '{out}/two.csv'", kDenied, "2 statements", "SELECT 1;"},
  {"select_then_set", "SELECT 1; SET threads = 1", kDenied, "2 statements", "SELECT 1"},
  // EXPLAIN of anything but a SELECT (EXPLAIN ANALYZE would run it).
  {"explain_analyze_copy", "EXPLAIN ANALYZE COPY (SELECT 1) TO '{out}/explained.csv'", kDenied, "EXPLAIN of COPY",
   "EXPLAIN SELECT * FROM shop.people"},
  // Nothing to run.
  {"empty_statement", ";", kDenied, "no statement", "SELECT 9"},

  // --- files outside the catalog read from inside a SELECT ---
  // DuckDB's readers, refused by allowed_directories/allowed_paths.
  {"read_csv_passwd", "SELECT * FROM read_csv('/etc/passwd')", kDenied, "/etc/passwd",
   "SELECT * FROM read_csv('file://{wh}/people.csv')"},
  // A path with no reader's extension as a table name is only a name.
  {"replacement_scan", "SELECT * FROM '/etc/passwd'", ErrorCode::NotFound, "/etc/passwd",
   "SELECT * FROM shop.people"},
  // A file path as a table name becomes a read_csv, checked like one.
  {"replacement_scan_csv", "SELECT * FROM '{out}/secret.csv'", kDenied, "secret.csv",
   "SELECT * FROM 'file://{wh}/people.csv'"},
  {"read_csv_outside", "SELECT * FROM read_csv('{out}/secret.csv')", kDenied, "secret.csv",
   "SELECT * FROM read_csv('file://{wh}/people.csv')"},
  {"read_parquet_outside", "SELECT * FROM read_parquet('{out}/secret.parquet')", kDenied, "secret.parquet",
   "SELECT * FROM read_parquet('file://{wh}/nums.parquet')"},
  {"read_json_passwd", "SELECT * FROM read_json('/etc/passwd')", kDenied, "/etc/passwd",
   "SELECT * FROM read_json('file://{wh}/events.json')"},
  {"read_text", "SELECT * FROM read_text('/etc/hostname')", kDenied, "/etc/hostname",
   "SELECT * FROM read_text('file://{wh}/people.csv')"},
  {"read_blob", "SELECT * FROM read_blob('/etc/passwd')", kDenied, "/etc/passwd",
   "SELECT * FROM read_blob('file://{wh}/people.csv')"},
  {"glob_root", "SELECT * FROM glob('/*')", kDenied, "/*", "SELECT * FROM glob('file://{wh}/notes/*.csv')"},
  {"glob_file_uri_root", "SELECT * FROM glob('file:///*')", kDenied, "file:///*",
   "SELECT * FROM glob('file://{wh}/notes/**')"},
  {"parquet_metadata", "SELECT * FROM parquet_metadata('{out}/secret.parquet')", kDenied, "secret.parquet",
   "SELECT * FROM parquet_metadata('file://{wh}/nums.parquet')"},
  {"parquet_schema", "SELECT * FROM parquet_schema('file://{out}/secret.parquet')", kDenied, "secret.parquet",
   "SELECT * FROM parquet_schema('file://{wh}/nums.parquet')"},
  {"sniff_csv", "SELECT * FROM sniff_csv('/etc/passwd')", kDenied, "/etc/passwd",
   "SELECT * FROM sniff_csv('file://{wh}/people.csv')"},
  // A list with one allowed file and one that is not.
  {"read_csv_list", "SELECT * FROM read_csv(['file://{wh}/people.csv', '{out}/secret.csv'])", kDenied, "secret.csv",
   "SELECT * FROM read_csv(['file://{wh}/people.csv', 'file://{wh}/people.csv'])"},
  // Hidden in a CTE, a scalar subquery, a UNION, a lateral join, query().
  {"cte", "WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x", kDenied, "/etc/passwd",
   "WITH x AS (SELECT * FROM shop.people) SELECT * FROM x"},
  {"scalar_subquery", "SELECT (SELECT count(*) FROM read_csv('/etc/passwd'))", kDenied, "/etc/passwd",
   "SELECT (SELECT count(*) FROM shop.people)"},
  {"union", "SELECT name FROM shop.people UNION ALL SELECT column0 FROM read_csv('/etc/passwd', header = false)",
   kDenied, "/etc/passwd", "SELECT name FROM shop.people UNION ALL SELECT name FROM shop.people"},
  {"lateral", "SELECT * FROM shop.people, LATERAL (SELECT * FROM read_text('/etc/hostname'))", kDenied,
   "/etc/hostname", "SELECT * FROM shop.people, LATERAL (SELECT n FROM shop.nums WHERE n = id)"},
  {"query_function", "SELECT * FROM query('SELECT * FROM read_csv(''/etc/passwd'')')", kDenied, "/etc/passwd",
   "SELECT * FROM query('SELECT count(*) FROM shop.people')"},
  // query() runs only a SELECT itself: its parser says so (a syntax-level refusal).
  {"query_function_copy", "SELECT * FROM query('COPY (SELECT 1) TO ''{out}/q.csv''')", ErrorCode::InvalidArgument,
   "SELECT", "SELECT * FROM query_table('shop.people')"},
  // DESCRIBE, SUMMARIZE and EXPLAIN of a SELECT are SELECTs; binding still checks paths.
  {"describe_file", "DESCRIBE SELECT * FROM read_csv('/etc/passwd')", kDenied, "/etc/passwd",
   "DESCRIBE shop.people"},
  {"summarize_file", "SUMMARIZE SELECT * FROM read_csv('/etc/passwd')", kDenied, "/etc/passwd",
   "SUMMARIZE shop.nums"},
  {"explain_file", "EXPLAIN SELECT * FROM read_csv('/etc/passwd')", kDenied, "/etc/passwd",
   "EXPLAIN SELECT * FROM shop.nums"},

  // --- escaping an allowed location by its name ---
  // ".." out of an allowed file or directory; ".." that stays inside passes.
  {"traversal_from_file", "SELECT * FROM read_csv('file://{wh}/people.csv/../../{outname}/secret.csv')", kDenied,
   "secret.csv", "SELECT * FROM read_csv('file://{wh}/notes/../people.csv')"},
  {"traversal_to_etc", "SELECT * FROM read_csv('file://{wh}/notes/../../../../../../etc/passwd')", kDenied,
   "passwd", "SELECT * FROM read_csv('file://{wh}/notes/./a.csv')"},
  // A sibling whose name starts with an allowed directory's name.
  {"sibling_prefix", "SELECT * FROM read_csv('file://{wh}/notes_private/secret.csv')", kDenied, "notes_private",
   "SELECT * FROM read_csv('file://{wh}/notes/a.csv')"},
  // The warehouse root is not a table: a glob widened to it is refused.
  {"glob_widened_to_warehouse", "SELECT * FROM read_parquet('file://{wh}/**/*.parquet')", kDenied, "**",
   "SELECT * FROM read_parquet('file://{wh}/nums.parquet')"},
  // The same allowed file by another spelling: the allow-list is the
  // catalog's spelling (file:// for {warehouse} locations), not the plain path.
  {"plain_path_spelling", "SELECT * FROM read_csv('{wh}/people.csv')", kDenied, "people.csv",
   "SELECT * FROM read_csv('file://{wh}/people.csv')"},
  {"file_uri_outside", "SELECT * FROM read_csv('file://{out}/secret.csv')", kDenied, "secret.csv",
   "SELECT * FROM read_csv('file://{wh}/notes/a.csv')"},
  {"file_uri_localhost", "SELECT * FROM read_csv('file://localhost/etc/passwd')", kDenied, "passwd",
   "SELECT * FROM shop.notes"},
  // A symbolic link inside an allowed directory (docs/escape -> outside):
  // DuckDB's check passes it (it compares names), neuralake's filesystem
  // follows the link and refuses, whether the link is in the pattern or
  // only in what a pattern matches.
  {"symlink_out", "SELECT * FROM read_csv('file://{wh}/docs/escape/secret.csv')", kDenied, "escape",
   "SELECT * FROM read_csv('file://{wh}/docs/readme.csv')"},
  {"symlink_listing", "SELECT * FROM glob('file://{wh}/docs/escape/*')", kDenied, "escape",
   "SELECT * FROM glob('file://{wh}/docs/*.csv')"},
  {"symlink_in_matches", "SELECT * FROM glob('file://{wh}/docs/**')", kDenied, "escape",
   "SELECT * FROM glob('file://{wh}/docs/readme.*')"},

  // --- delta_scan, which reads the Delta log past DuckDB's checks ---
  // Each refused before the table's log is read (the message is delta_scan's own).
  {"delta_scan_root", "SELECT * FROM delta_scan('/')", kDenied, "Delta table at '/'", "SELECT count(*) FROM shop.simple"},
  {"delta_scan_outside", "SELECT * FROM delta_scan('{out}/simple_delta')", kDenied, "Delta table at '{out}/simple_delta'",
   "SELECT * FROM delta_scan('file://{wh}/simple_delta')"},
  {"delta_scan_outside_uri", "SELECT * FROM delta_scan('file://{out}/simple_delta')", kDenied,
   "Delta table at 'file://{out}/simple_delta'",
   "SELECT * FROM delta_scan('file://{wh}/simple_delta', version := 0)"},
  {"delta_scan_traversal", "SELECT * FROM delta_scan('file://{wh}/simple_delta/../../{outname}/simple_delta')",
   kDenied, "Delta table at 'file://{wh}/simple_delta/../", "SELECT * FROM delta_scan('file://{wh}/simple_delta/')"},

  // --- object storage: only the prefixes the catalog names ---
  {"s3_other_prefix", "SELECT * FROM read_parquet('s3://neuralake/private/secret.parquet')", kDenied,
   "s3://neuralake/private", "SELECT count(*) FROM shop.sales"},
  {"s3_other_bucket", "SELECT * FROM read_parquet('s3://otherbucket/secret.parquet')", kDenied, "otherbucket",
   "SELECT * FROM read_parquet('s3://neuralake/shop/sales.parquet')"},
  {"s3_bucket_listing", "SELECT * FROM glob('s3://neuralake/*')", kDenied, "s3://neuralake/*",
   "SELECT * FROM glob('s3://neuralake/shop/sales.parquet')"},
  {"s3_traversal", "SELECT * FROM read_parquet('s3://neuralake/shop/../private/secret.parquet')", kDenied,
   "private", "SELECT sum(amount) FROM shop.sales"},
  {"s3_delta_scan", "SELECT * FROM delta_scan('s3://neuralake/private')", kDenied, "Delta table at 's3://neuralake/private'",
   "SELECT count(*) FROM shop.sales WHERE amount > 0"},
  // http(s) needs httpfs, which is neither loaded nor loadable.
  {"http_url", "SELECT * FROM read_csv('http://127.0.0.1:9/secret.csv')", kDenied, "http://",
   "SELECT * FROM shop.events"},

  // --- functions that are not there at all ---
  // getenv() is DuckDB's shell's, not the library's.
  {"getenv", "SELECT getenv('HOME')", ErrorCode::NotFound, "getenv", "SELECT current_date IS NOT NULL"},
  {"sqlite_scan", "SELECT * FROM sqlite_scan('{out}/x.db', 't')", ErrorCode::InvalidArgument, "sqlite_scan",
   "SELECT * FROM shop.people"},
};
// clang-format on

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    for (size_t p = text.find(key); p != std::string::npos; p = text.find(key, p + value.size()))
      text.replace(p, key.size(), value);
  }
  return text;
}

nl::SessionOptions options_for(const std::string& warehouse, bool confined) {
  nl::Environment env{{{"NEURALAKE_ENV", "minio"},
                       {"AWS_ENDPOINT_URL", s3->server().endpoint()},
                       {"AWS_EC2_METADATA_DISABLED", "true"}}};
  nl::SessionOptions o;
  o.config = nl::Config::resolve(env);
  o.warehouse = warehouse;
  o.confine_to_catalog = confined;
  return o;
}

// The warehouse, the directory outside it, and the catalog over them.
class Sandbox : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = std::make_unique<nlt::TempDir>();
    const fs::path wh = root_->path() / "warehouse";
    const fs::path out = root_->path() / "outside";
    fs::create_directories(wh / "notes");
    fs::create_directories(wh / "notes_private");
    fs::create_directories(wh / "docs");
    fs::create_directories(out);
    nlt::write_file(wh / "people.csv", "id,name\n1,ada\n2,grace\n");
    nlt::write_file(wh / "events.json", "{\"kind\": \"login\"}\n{\"kind\": \"logout\"}\n");
    nlt::write_file(wh / "notes" / "a.csv", "note\nhello\n");
    nlt::write_file(wh / "notes_private" / "secret.csv", "secret\nsibling\n");
    nlt::write_file(out / "secret.csv", "secret\nhunter2\n");
    nlt::write_file(wh / "docs" / "readme.csv", "secret\nnone here\n");  // the columns of outside/secret.csv
    fs::create_directory_symlink(out, wh / "docs" / "escape");
    const fs::path delta = nlt::shared_dir() / "testdata" / "delta" / "simple_table";
    ASSERT_TRUE(fs::exists(delta)) << "the shared Delta test tables are missing: " << delta;
    fs::copy(delta, wh / "simple_delta", fs::copy_options::recursive);
    fs::copy(delta, out / "simple_delta", fs::copy_options::recursive);

    // Data written by an ordinary session, which may write anywhere.
    nl::Session writer(options_for(wh.string(), false));
    writer.execute("COPY (SELECT range AS n FROM range(10)) TO '" + wh.string() + "/nums.parquet' (FORMAT parquet)");
    writer.execute("COPY (SELECT 'hunter2' AS password) TO '" + out.string() + "/secret.parquet' (FORMAT parquet)");
    writer.execute("COPY (SELECT range AS id, range * 2.5 AS amount FROM range(1, 6)) TO "
                   "'s3://neuralake/shop/sales.parquet' (FORMAT parquet)");
    writer.execute("COPY (SELECT 'hunter2' AS password) TO 's3://neuralake/private/secret.parquet' (FORMAT parquet)");
    writer.execute("COPY (SELECT 'x' AS a) TO 's3://neuralake/private/_delta_log/x.json' (FORMAT csv)");

    catalog_ = std::make_unique<nl::Catalog>(
        std::vector<std::pair<std::string, nl::Database>>{
            {"shop", nl::Database({nl::CsvTable("people", "{warehouse}/people.csv"),
                                   nl::ParquetTable("nums", "{warehouse}/nums.parquet"),
                                   nl::JsonTable("events", "{warehouse}/events.json"),
                                   nl::CsvTable("notes", "{warehouse}/notes/"),
                                   nl::CsvTable("docs", "{warehouse}/docs/"),
                                   nl::DeltaTable("simple", "{warehouse}/simple_delta"),
                                   nl::ParquetTable("sales", "s3://neuralake/shop/sales.parquet")})}},
        options_for(wh.string(), false));
    session_ = std::make_unique<nl::Session>(*catalog_, options_for(wh.string(), true));
    values_ = {{"{wh}", wh.string()}, {"{outname}", out.filename().string()}, {"{out}", out.string()}};
  }
  static void TearDownTestSuite() {
    session_.reset();
    catalog_.reset();
    root_.reset();
  }

  static std::unique_ptr<nlt::TempDir> root_;
  static std::unique_ptr<nl::Catalog> catalog_;
  static std::unique_ptr<nl::Session> session_;
  static std::map<std::string, std::string> values_;
};

std::unique_ptr<nlt::TempDir> Sandbox::root_;
std::unique_ptr<nl::Catalog> Sandbox::catalog_;
std::unique_ptr<nl::Session> Sandbox::session_;
std::map<std::string, std::string> Sandbox::values_;

class SandboxAttack : public Sandbox, public ::testing::WithParamInterface<Attack> {};

TEST_P(SandboxAttack, IsRefusedWhileItsLegitimatePairRuns) {
  const Attack& a = GetParam();
  const std::string attack = fill(a.attack, values_);
  const std::string legit = fill(a.legit, values_);
  try {
    auto df = session_->sql(attack);
    ADD_FAILURE() << "not refused: " << attack << "\n" << df;
  } catch (const nl::Error& e) {
    EXPECT_EQ(e.code(), a.code) << nl::to_string(e.code()) << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find(fill(a.names, values_)), std::string::npos)
        << "the message does not name '" << a.names << "': " << e.what();
  }
  try {
    auto df = session_->sql(legit);
    EXPECT_GT(df.num_rows(), 0u) << legit;
  } catch (const nl::Error& e) {
    ADD_FAILURE() << "the legitimate query failed: " << legit << "\n" << nl::to_string(e.code()) << ": " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Attacks, SandboxAttack, ::testing::ValuesIn(kAttacks),
                         [](const ::testing::TestParamInfo<Attack>& info) { return std::string(info.param.name); });

TEST(SandboxAttackTable, HasFortyAttacksOrMore) { EXPECT_GE(std::size(kAttacks), 40u); }

// The catalog's own tables, every kind, read in full in the confined session.
TEST_F(Sandbox, CatalogTablesReadInFull) {
  auto count = [](const std::string& table) {
    return *session_->sql("SELECT count(*)::BIGINT AS c FROM shop." + table).column("c").at<int64_t>(0);
  };
  EXPECT_EQ(count("people"), 2);
  EXPECT_EQ(count("nums"), 10);
  EXPECT_EQ(count("events"), 2);
  EXPECT_EQ(count("notes"), 1);
  EXPECT_EQ(count("simple"), 3);  // simple_table's EXPECTED.json: 3 rows at version 4
  EXPECT_EQ(count("sales"), 5);
  auto table = session_->table("shop", "people", {nl::Filter("id", "=", 2)}).collect();
  EXPECT_EQ(*table.column("name").at<std::string>(0), "grace");
}

// A catalog table whose directory holds a link out is refused whole, naming
// the link, rather than read without the files beyond it.
TEST_F(Sandbox, TableDirectoryWithALinkOutIsRefused) {
  EXPECT_NL_ERROR(session_->sql("SELECT * FROM shop.docs"), PermissionDenied, "escape");
}

// Every method that takes SQL applies the statement check, not only sql().
TEST_F(Sandbox, EveryEntryPointChecksTheStatement) {
  const std::string copy = "COPY (SELECT 1) TO '" + values_["{out}"] + "/entry.csv'";
  EXPECT_NL_ERROR(session_->execute(copy), PermissionDenied, "got COPY");
  EXPECT_NL_ERROR(session_->describe(copy), PermissionDenied, "got COPY");
  EXPECT_NL_ERROR(session_->explain(copy), PermissionDenied, "got COPY");
  EXPECT_NL_ERROR(session_->lazy(copy), PermissionDenied, "got COPY");
  EXPECT_NL_ERROR(session_->stream(copy), PermissionDenied, "got COPY");
  EXPECT_NL_ERROR(session_->sql(copy, nl::QueryOptions{}), PermissionDenied, "got COPY");
  EXPECT_FALSE(fs::exists(values_["{out}"] + "/entry.csv"));
  // ... and each runs a SELECT.
  const std::string select = "SELECT * FROM shop.people";
  EXPECT_NO_THROW(session_->execute(select));
  EXPECT_EQ(session_->describe(select).size(), 2u);
  EXPECT_NE(session_->explain(select).find("READ_CSV"), std::string::npos);
  EXPECT_EQ(session_->lazy(select).collect().num_rows(), 2u);
  auto stream = session_->stream(select);
  size_t rows = 0;
  while (auto batch = stream.next()) rows += batch->num_rows();
  EXPECT_EQ(rows, 2u);
  // A stream of a refused path fails before its first batch.
  EXPECT_NL_ERROR(session_->stream("SELECT * FROM read_csv('/etc/passwd')"), PermissionDenied, "/etc/passwd");
}

// A syntax error is reported as one, not as a refusal.
TEST_F(Sandbox, SyntaxErrorsAreNotRefusals) {
  EXPECT_NL_ERROR(session_->sql("SELEC 1"), InvalidArgument, "syntax error");
  EXPECT_NL_ERROR(session_->sql("SELECT * FROM shop.nobody"), NotFound, "nobody");
}

// Reads that reveal only the session's own state are allowed, by decision
// (docs/sandbox.md): settings, including the allow-list; the catalog's
// schema; an in-memory checkpoint, which writes nothing.
TEST_F(Sandbox, HarmlessIntrospectionIsAllowed) {
  auto locked = session_->sql("SELECT current_setting('lock_configuration') AS v");
  EXPECT_EQ(*locked.column("v").at<bool>(0), true);
  auto external = session_->sql("SELECT value FROM duckdb_settings() WHERE name = 'enable_external_access'");
  EXPECT_EQ(*external.column("value").at<std::string>(0), "false");
  // Exactly the catalog's seven locations (as DuckDB writes them: "file:/...",
  // "s3:/..."), plus DuckDB's spill directory, which it adds itself when
  // external access goes off (docs/sandbox.md).
  auto allowed = session_->sql("SELECT unnest(current_setting('allowed_directories')) AS d ORDER BY d");
  std::vector<std::string> dirs;
  for (size_t i = 0; i < allowed.num_rows(); ++i) dirs.push_back(*allowed.column("d").at<std::string>(i));
  const std::string wh = "file:" + values_["{wh}"];
  EXPECT_EQ(dirs, (std::vector<std::string>{".tmp/", wh + "/docs/", wh + "/events.json/", wh + "/notes/",
                                            wh + "/nums.parquet/", wh + "/people.csv/", wh + "/simple_delta/",
                                            "s3:/neuralake/shop/sales.parquet/"}));
  EXPECT_GE(session_->sql("SHOW ALL TABLES").num_rows(), 6u);
  EXPECT_NO_THROW(session_->sql("SELECT * FROM checkpoint()"));
}

// Writes through neuralake's filesystem are refused even where reads are allowed.
TEST_F(Sandbox, NothingIsWrittenAtAllowedLocations) {
  const std::string nums = values_["{wh}"] + "/nums.parquet";
  auto before = fs::last_write_time(nums);
  EXPECT_NL_ERROR(session_->sql("COPY (SELECT 1 AS n) TO 'file://" + nums + "' (FORMAT parquet)"), PermissionDenied,
                  "got COPY");
  EXPECT_EQ(fs::last_write_time(nums), before);
  // The catalog stays intact after every attack.
  EXPECT_EQ(*session_->sql("SELECT count(*)::BIGINT AS c FROM shop.nums").column("c").at<int64_t>(0), 10);
}

// The library's own writer refuses a confined session, before touching storage.
TEST_F(Sandbox, DeltaWriterRefusesAConfinedSession) {
  const std::string log = values_["{wh}"] + "/simple_delta/_delta_log";
  const auto commits = std::distance(fs::directory_iterator(log), fs::directory_iterator());
  EXPECT_NL_ERROR(nl::DeltaWriter(*session_, "shop.simple"), PermissionDenied, "shop.simple");
  EXPECT_EQ(std::distance(fs::directory_iterator(log), fs::directory_iterator()), commits);
}

// A session set up first (a view of the caller's own, as the API server's
// table names), then confined: the view reads, and the rest is refused.
TEST_F(Sandbox, ConfiningAnOpenSessionAfterSetup) {
  nl::Session later(*catalog_, options_for(values_["{wh}"], false));
  later.execute("CREATE VIEW main.people_api AS SELECT * FROM shop.people");
  EXPECT_EQ(later.sql("SELECT * FROM read_csv('" + values_["{out}"] + "/secret.csv')").num_rows(), 1u);
  later.confine_to_catalog();
  EXPECT_TRUE(later.options().confine_to_catalog);
  EXPECT_EQ(later.sql("SELECT * FROM people_api").num_rows(), 2u);
  EXPECT_EQ(later.sql("SELECT count(*) FROM shop.simple").num_rows(), 1u);
  EXPECT_NL_ERROR(later.sql("SELECT * FROM read_csv('" + values_["{out}"] + "/secret.csv')"), PermissionDenied,
                  "secret.csv");
  EXPECT_NL_ERROR(later.sql("SELECT * FROM delta_scan('" + values_["{out}"] + "/simple_delta')"), PermissionDenied,
                  "Delta table at");
  EXPECT_NL_ERROR(later.execute("CREATE VIEW main.more AS SELECT 1"), PermissionDenied, "got CREATE");
  EXPECT_NO_THROW(later.confine_to_catalog());  // once confined, stays so
  EXPECT_NL_ERROR(later.sql("SELECT * FROM read_csv('file://" + values_["{wh}"] + "/docs/escape/secret.csv')"),
                  PermissionDenied, "escape");
}

// A session without confinement behaves as before: files anywhere, COPY, SET.
TEST_F(Sandbox, UnconfinedSessionReadsAndWritesAnywhere) {
  nl::Session open(*catalog_, options_for(values_["{wh}"], false));
  const std::string out = values_["{out}"];
  EXPECT_EQ(open.sql("SELECT * FROM read_csv('" + out + "/secret.csv')").num_rows(), 1u);
  EXPECT_EQ(open.sql("SELECT * FROM read_parquet('s3://neuralake/private/secret.parquet')").num_rows(), 1u);
  EXPECT_EQ(open.sql("SELECT * FROM delta_scan('" + out + "/simple_delta')").num_rows(), 3u);
  EXPECT_EQ(open.sql("SELECT * FROM read_csv('file://" + values_["{wh}"] + "/docs/escape/secret.csv')").num_rows(),
            1u);
  EXPECT_EQ(open.sql("SELECT * FROM shop.docs").num_rows(), 2u);  // the link is followed
  open.execute("SET threads = 2");
  open.execute("COPY (SELECT 1 AS a) TO '" + out + "/written.csv'");
  EXPECT_TRUE(fs::exists(out + "/written.csv"));
  EXPECT_EQ(open.sql("SELECT count(*)::BIGINT AS c FROM shop.people").num_rows(), 1u);
}

}  // namespace

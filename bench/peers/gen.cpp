// The peer benchmark's data, as its specification defines it: TPC-H-like
// lineitem, orders, part and supplier as Parquet files, plus lineitem_hive/,
// lineitem partitioned by l_shipyear = year(l_shipdate) in Hive directories
// (l_shipyear=YYYY/, the column not stored in the files). SF 1 gives
// 5,994,938 lineitem rows.
//
//   neuralake_peers_gen [--sf 1] [--out DIR]
//
// DIR defaults to $NEURALAKE_BENCH_DIR/peers-sf<SF>, else
// build/bench-data/peers-sf<SF>. Data is generated only when DIR holds no
// complete copy: it is written to DIR.partial-<pid> and renamed to DIR once
// complete (with a .complete marker holding the row counts), so an interrupted
// run never leaves a directory that looks complete. Prints DIR on stdout.
//
// Every value is a pure function of the row index through DuckDB's hash() of
// one integer, so the same DuckDB version always writes the same data. The
// SQL below is the specification's data definition, unchanged.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "duckdb.hpp"

namespace fs = std::filesystem;

namespace {

constexpr const char* kMacros = R"(
CREATE MACRO words() AS ['furiously','carefully','quickly','slyly','blithely','ironic','final','regular',
 'express','pending','bold','even','special','silent','unusual','idle','packages','deposits','requests',
 'accounts','instructions','theodolites','pinto','beans','foxes','ideas','dependencies','excuses',
 'platelets','asymptotes','courts','dolphins'];
CREATE MACRO colors() AS ['almond','antique','aquamarine','azure','beige','bisque','black','blanched','blue',
 'blush','brown','burlywood','burnished','chartreuse','chiffon','chocolate','coral','cornflower','cornsilk','cream',
 'cyan','dark','deep','dim','dodger','drab','firebrick','floral','forest','frosted','gainsboro','ghost','goldenrod',
 'green','grey','honeydew'];
CREATE MACRO rnd(k, salt) AS hash(CAST(k AS BIGINT) * 8192 + salt);
CREATE MACRO pick(arr, h) AS list_element(arr, CAST(h % len(arr) AS INTEGER) + 1);
-- comment of 3..6 words, deterministic in (k, salt)
CREATE MACRO cmt(k, salt) AS concat_ws(' ', pick(words(), rnd(k, salt * 16 + 1)), pick(words(), rnd(k, salt * 16 + 2)),
  pick(words(), rnd(k, salt * 16 + 3)),
  CASE WHEN rnd(k, salt * 16 + 9) % 4 >= 1 THEN pick(words(), rnd(k, salt * 16 + 4)) END,
  CASE WHEN rnd(k, salt * 16 + 9) % 4 >= 2 THEN pick(words(), rnd(k, salt * 16 + 5)) END,
  CASE WHEN rnd(k, salt * 16 + 9) % 4 >= 3 THEN pick(words(), rnd(k, salt * 16 + 6)) END);
-- TPC-H retail price formula (function of partkey only), as DOUBLE
CREATE MACRO retailprice(pk) AS (90000 + ((pk // 10) % 20001) + 100 * (pk % 1000)) / 100.0;
)";

constexpr const char* kLineitem = R"(
CREATE TABLE lineitem AS
WITH o AS (
  SELECT range + 1 AS ok,
         DATE '1992-01-01' + CAST(rnd(range, 101) % 2406 AS INTEGER) AS odate,
         CAST(rnd(range, 102) % 7 + 1 AS INTEGER) AS nlines
  FROM range(@NORD@)
), l AS (
  SELECT ok, odate, CAST(ln AS INTEGER) AS ln FROM o CROSS JOIN range(1, 8) t(ln) WHERE ln <= nlines
), l2 AS (
  SELECT ok, ln, odate,
         CAST(rnd(ok * 8 + ln, 1) % @NPART@ + 1 AS BIGINT) AS pk,
         CAST(rnd(ok * 8 + ln, 2) % @NSUPP@ + 1 AS BIGINT) AS sk,
         CAST(rnd(ok * 8 + ln, 3) % 50 + 1 AS DOUBLE) AS qty,
         CAST(rnd(ok * 8 + ln, 4) % 11 AS DOUBLE) / 100.0 AS disc,
         CAST(rnd(ok * 8 + ln, 5) % 9 AS DOUBLE) / 100.0 AS tax,
         odate + CAST(rnd(ok * 8 + ln, 6) % 121 + 1 AS INTEGER) AS sdate,
         odate + CAST(rnd(ok * 8 + ln, 7) % 61 + 30 AS INTEGER) AS cdate,
         CAST(rnd(ok * 8 + ln, 8) % 30 + 1 AS INTEGER) AS rdelta,
         rnd(ok * 8 + ln, 10) AS hflag,
         rnd(ok * 8 + ln, 11) AS hmode
  FROM l
)
SELECT ok AS l_orderkey, pk AS l_partkey, sk AS l_suppkey, ln AS l_linenumber,
       qty AS l_quantity,
       round(qty * retailprice(pk), 2) AS l_extendedprice,
       disc AS l_discount, tax AS l_tax,
       CASE WHEN sdate + rdelta <= DATE '1995-06-17' THEN (CASE WHEN hflag % 2 = 0 THEN 'R' ELSE 'A' END) ELSE 'N' END AS l_returnflag,
       CASE WHEN sdate > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus,
       sdate AS l_shipdate, cdate AS l_commitdate, sdate + rdelta AS l_receiptdate,
       pick(['REG AIR','AIR','RAIL','SHIP','TRUCK','MAIL','FOB'], hmode) AS l_shipmode,
       cmt(ok * 8 + ln, 12) AS l_comment
FROM l2
ORDER BY l_orderkey, l_linenumber
)";

constexpr const char* kOrders = R"(
CREATE TABLE orders AS
WITH agg AS (
  SELECT l_orderkey, sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)) AS tp,
         bool_and(l_linestatus = 'F') AS all_f, bool_and(l_linestatus = 'O') AS all_o
  FROM lineitem GROUP BY l_orderkey
)
SELECT o.range + 1 AS o_orderkey,
       CAST(rnd(o.range, 103) % 150000 + 1 AS BIGINT) AS o_custkey,
       CASE WHEN a.all_f THEN 'F' WHEN a.all_o THEN 'O' ELSE 'P' END AS o_orderstatus,
       round(a.tp, 2) AS o_totalprice,
       DATE '1992-01-01' + CAST(rnd(o.range, 101) % 2406 AS INTEGER) AS o_orderdate,
       pick(['1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW'], rnd(o.range, 104)) AS o_orderpriority,
       'Clerk#' || lpad(CAST(rnd(o.range, 105) % 1000 + 1 AS VARCHAR), 9, '0') AS o_clerk,
       CAST(0 AS INTEGER) AS o_shippriority,
       cmt(o.range, 106) AS o_comment
FROM range(@NORD@) o JOIN agg a ON a.l_orderkey = o.range + 1
ORDER BY o_orderkey
)";

constexpr const char* kPart = R"(
CREATE TABLE part AS
SELECT range + 1 AS p_partkey,
       concat_ws(' ', pick(colors(), rnd(range, 3217)), pick(colors(), rnd(range, 3218)),
                 pick(colors(), rnd(range, 3219)), pick(colors(), rnd(range, 3220)),
                 pick(colors(), rnd(range, 3221))) AS p_name,
       'Manufacturer#' || CAST(rnd(range, 202) % 5 + 1 AS VARCHAR) AS p_mfgr,
       'Brand#' || CAST(rnd(range, 202) % 5 + 1 AS VARCHAR) || CAST(rnd(range, 203) % 5 + 1 AS VARCHAR) AS p_brand,
       pick(['STANDARD','SMALL','MEDIUM','LARGE','ECONOMY','PROMO'], rnd(range, 204)) || ' ' ||
       pick(['ANODIZED','BURNISHED','PLATED','POLISHED','BRUSHED'], rnd(range, 205)) || ' ' ||
       pick(['TIN','NICKEL','BRASS','STEEL','COPPER'], rnd(range, 206)) AS p_type,
       CAST(rnd(range, 207) % 50 + 1 AS INTEGER) AS p_size,
       pick(['SM','LG','MED','JUMBO','WRAP'], rnd(range, 208)) || ' ' ||
       pick(['CASE','BOX','BAG','JAR','PKG','PACK','CAN','DRUM'], rnd(range, 209)) AS p_container,
       retailprice(range + 1) AS p_retailprice,
       cmt(range, 210) AS p_comment
FROM range(@NPART@)
ORDER BY p_partkey
)";

constexpr const char* kSupplier = R"(
CREATE TABLE supplier AS
SELECT range + 1 AS s_suppkey,
       'Supplier#' || lpad(CAST(range + 1 AS VARCHAR), 9, '0') AS s_name,
       md5(CAST(rnd(range, 301) AS VARCHAR))[1:CAST(rnd(range, 302) % 30 + 10 AS INTEGER)] AS s_address,
       CAST(rnd(range, 303) % 25 AS INTEGER) AS s_nationkey,
       lpad(CAST(rnd(range, 303) % 25 + 10 AS VARCHAR), 2, '0') || '-' || CAST(rnd(range, 304) % 900 + 100 AS VARCHAR) || '-' ||
         CAST(rnd(range, 305) % 900 + 100 AS VARCHAR) || '-' || CAST(rnd(range, 306) % 9000 + 1000 AS VARCHAR) AS s_phone,
       round(CAST(rnd(range, 307) % 1099999 AS DOUBLE) / 100.0 - 999.99, 2) AS s_acctbal,
       cmt(range, 308) AS s_comment
FROM range(@NSUPP@)
ORDER BY s_suppkey
)";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

std::string quoted(const std::string& s) { return "'" + replaced(s, "'", "''") + "'"; }

void run(duckdb::Connection& con, const std::string& sql, const std::string& step) {
  const auto t0 = std::chrono::steady_clock::now();
  auto result = con.Query(sql);
  if (result->HasError()) throw std::runtime_error(step + ": " + result->GetError());
  std::cerr << "  " << step << ": "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
}

// Whether process `pid` still runs (a zombie does not).
bool process_running(long pid) {
  if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

// Leftovers of interrupted runs (DIR.partial-<pid> whose process is gone).
void remove_stale_partials(const fs::path& dir) {
  const std::string prefix = dir.filename().string() + ".partial-";
  if (!fs::exists(dir.parent_path())) return;
  for (const auto& e : fs::directory_iterator(dir.parent_path())) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    if (process_running(std::atol(name.c_str() + prefix.size()))) continue;  // still being written
    fs::remove_all(e.path());
  }
}

void generate(const fs::path& out, double sf) {
  const long n_orders = static_cast<long>(1500000 * sf);
  const long n_part = static_cast<long>(200000 * sf);
  const long n_supp = static_cast<long>(10000 * sf);
  duckdb::DBConfig config;
  config.SetOptionByName("threads", duckdb::Value::BIGINT(2));
  duckdb::DuckDB db(nullptr, &config);
  duckdb::Connection con(db);
  auto sized = [&](std::string sql) {
    sql = replaced(sql, "@NORD@", std::to_string(n_orders));
    sql = replaced(sql, "@NPART@", std::to_string(n_part));
    return replaced(sql, "@NSUPP@", std::to_string(n_supp));
  };
  run(con, kMacros, "macros");
  run(con, sized(kLineitem), "lineitem (in memory)");
  run(con, sized(kOrders), "orders (in memory)");
  run(con, sized(kPart), "part (in memory)");
  run(con, sized(kSupplier), "supplier (in memory)");
  for (const std::string t : {"lineitem", "orders", "part", "supplier"})
    run(con, "COPY " + t + " TO " + quoted((out / (t + ".parquet")).string()) + " (FORMAT parquet)", "write " + t);
  run(con,
      "COPY (SELECT *, year(l_shipdate) AS l_shipyear FROM lineitem) TO " + quoted((out / "lineitem_hive").string()) +
          " (FORMAT parquet, PARTITION_BY (l_shipyear), OVERWRITE_OR_IGNORE)",
      "write lineitem_hive");

  auto counts = con.Query(
      "SELECT (SELECT count(*) FROM lineitem), (SELECT count(*) FROM orders), (SELECT count(*) FROM part), "
      "(SELECT count(*) FROM supplier)");
  if (counts->HasError()) throw std::runtime_error("counting rows: " + counts->GetError());
  std::ofstream marker(out / ".complete");
  marker << "{\"sf\":" << sf << ",\"lineitem\":" << counts->GetValue(0, 0).ToString()
         << ",\"orders\":" << counts->GetValue(1, 0).ToString() << ",\"part\":" << counts->GetValue(2, 0).ToString()
         << ",\"supplier\":" << counts->GetValue(3, 0).ToString() << "}\n";
  if (!marker.flush()) throw std::runtime_error("cannot write " + (out / ".complete").string());
}

}  // namespace

int main(int argc, char** argv) {
  std::string sf_text = "1", out_arg;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--sf" || a == "--out") && i + 1 < argc) {
      (a == "--sf" ? sf_text : out_arg) = argv[++i];
    } else {
      std::cerr << "unknown or incomplete argument '" << a << "'\nusage: neuralake_peers_gen [--sf 1] [--out DIR]\n";
      return 2;
    }
  }
  double sf = 0;
  try {
    size_t used = 0;
    sf = std::stod(sf_text, &used);
    if (used != sf_text.size()) sf = 0;
  } catch (const std::exception&) {
  }
  if (!(sf > 0)) {
    std::cerr << "--sf takes a positive number, got '" << sf_text << "'\n";
    return 2;
  }
  fs::path out = out_arg;
  if (out.empty()) {
    const char* env = std::getenv("NEURALAKE_BENCH_DIR");
    out = fs::path(env && *env ? env : "build/bench-data") / ("peers-sf" + sf_text);
  }
  try {
    out = fs::absolute(out);
    if (fs::exists(out / ".complete")) {
      std::cerr << "peer benchmark data: " << out.string() << " (cached)\n";
      std::cout << out.string() << "\n";
      return 0;
    }
    fs::create_directories(out.parent_path());
    remove_stale_partials(out);
    const fs::path partial = out.string() + ".partial-" + std::to_string(::getpid());
    fs::create_directories(partial);
    std::cerr << "generating the peer benchmark data (SF " << sf_text << ") into " << out.string() << "\n";
    const auto t0 = std::chrono::steady_clock::now();
    generate(partial, sf);
    if (fs::exists(out)) fs::remove_all(out);  // an incomplete copy from elsewhere
    fs::rename(partial, out);
    std::cerr << "generated in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
              << " s\n";
    std::cout << out.string() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "neuralake_peers_gen: " << e.what() << "\n";
    return 1;
  }
}

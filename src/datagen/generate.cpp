// The TPC-H-like generator: every value is a hash of (row number, seed,
// column), computed in SQL and written by the engine's Parquet writer in batches.
#include "neuralake/generate.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "neuralake/progress_bar.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "neuralake/session.h"

namespace neuralake {

namespace fs = std::filesystem;

namespace {

constexpr const char* kTableNames[] = {"lineitem", "orders", "part", "supplier"};

struct Sizes {
  uint64_t lineitem, orders, part, supplier, customer;
};

Sizes sizes_for(uint64_t n) {
  Sizes s;
  s.lineitem = n;
  s.orders = (n + 3) / 4;  // four lines per order: l_orderkey = i / 4 + 1
  s.part = std::max<uint64_t>(n / 30, 10);
  s.supplier = std::max<uint64_t>(n / 600, 5);
  s.customer = std::max<uint64_t>(s.orders / 10, 10);
  return s;
}

// SQL builders for hash-derived values. Each column draws from its own
// stream number, so columns are independent of each other.
class Sql {
 public:
  explicit Sql(uint64_t seed) : seed_(std::to_string(seed) + "::UBIGINT") {}

  // A pseudo-random UBIGINT for `key` in `stream`.
  std::string h(const std::string& key, int stream) const {
    return "hash(" + key + ", " + seed_ + ", " + std::to_string(stream) + ")";
  }
  // An integer in [lo, lo + n).
  std::string uniform(const std::string& key, int stream, uint64_t n, int64_t lo) const {
    return "((" + h(key, stream) + " % " + std::to_string(n) + ")::BIGINT + " + std::to_string(lo) + ")";
  }
  // One of `choices`.
  std::string pick(const std::string& key, int stream, const std::vector<std::string>& choices) const {
    std::string list = "[";
    for (size_t i = 0; i < choices.size(); ++i) list += (i ? ", " : "") + sql_string_literal(choices[i]);
    return "(" + list + "])[" + uniform(key, stream, choices.size(), 1) + "]";
  }
  // A few words of TPC-H-style comment text.
  std::string comment(const std::string& key, int stream) const {
    static const std::vector<std::string> words = {
        "furiously", "carefully", "quickly",  "blithely", "slyly",    "regular",  "final",
        "pending",   "express",   "ironic",   "bold",     "special",  "even",     "silent",
        "deposits",  "requests",  "accounts", "packages", "foxes",    "theodolites"};
    return "(" + pick(key, stream, words) + " || ' ' || " + pick(key, stream + 1, words) + " || ' ' || " +
           pick(key, stream + 2, words) + ")";
  }
  // o_orderdate of order `key`; lineitem derives its dates from the same value.
  std::string order_date(const std::string& key) const {
    return "(DATE '1992-01-01' + " + uniform(key, 100, 2406, 0) + "::INTEGER)";
  }

 private:
  std::string seed_;
};

// TPC-H's retail price formula: a function of the part key alone, so
// lineitem can price a line without a join.
std::string retail_price(const std::string& partkey) {
  return "((90000 + ((" + partkey + " // 10) % 20001) + 100 * (" + partkey + " % 1000)) / 100.0)::DOUBLE";
}

// lineitem rows [from, to) (0-based row numbers i).
std::string lineitem_sql(const Sql& q, const Sizes& s, uint64_t from, uint64_t to) {
  std::string base =
      "SELECT i, i // 4 + 1 AS ok, " + q.uniform("i", 1, s.part, 1) + " AS pk, " + q.uniform("i", 3, 50, 1) +
      "::DOUBLE AS qty FROM range(" + std::to_string(from) + ", " + std::to_string(to) + ") t(i)";
  std::string dated = "SELECT *, " + q.order_date("ok") + " + " + q.uniform("i", 6, 121, 1) +
                      "::INTEGER AS ship, " + q.order_date("ok") + " + " + q.uniform("i", 7, 61, 30) +
                      "::INTEGER AS commit FROM (" + base + ")";
  return "SELECT ok AS l_orderkey, pk AS l_partkey, " + q.uniform("i", 2, s.supplier, 1) +
         " AS l_suppkey, (i % 4 + 1)::INTEGER AS l_linenumber, qty AS l_quantity, "
         "round(qty * " + retail_price("pk") + ", 2) AS l_extendedprice, " +
         "(" + q.uniform("i", 4, 11, 0) + " / 100.0)::DOUBLE AS l_discount, " +
         "(" + q.uniform("i", 5, 9, 0) + " / 100.0)::DOUBLE AS l_tax, " +
         "CASE WHEN ship + " + q.uniform("i", 8, 30, 1) + "::INTEGER <= DATE '1995-06-17' THEN " +
         q.pick("i", 9, {"R", "A"}) + " ELSE 'N' END AS l_returnflag, " +
         "CASE WHEN ship > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus, " +
         "ship AS l_shipdate, commit AS l_commitdate, ship + " + q.uniform("i", 8, 30, 1) +
         "::INTEGER AS l_receiptdate, " +
         q.pick("i", 10, {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"}) + " AS l_shipinstruct, " +
         q.pick("i", 11, {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"}) + " AS l_shipmode, " +
         q.comment("i", 12) + " AS l_comment FROM (" + dated + ")";
}

// orders keys [from, to) (1-based keys k).
std::string orders_sql(const Sql& q, const Sizes& s, uint64_t from, uint64_t to) {
  std::string od = q.order_date("k");
  return "SELECT k AS o_orderkey, " + q.uniform("k", 101, s.customer, 1) + " AS o_custkey, " +
         "CASE WHEN " + od + " > DATE '1995-06-17' THEN 'O' WHEN " + od +
         " + 121 < DATE '1995-06-17' THEN 'F' ELSE 'P' END AS o_orderstatus, " +
         "round((" + q.uniform("k", 102, 50'000'000, 90'000) + ") / 100.0, 2)::DOUBLE AS o_totalprice, " + od +
         " AS o_orderdate, " +
         q.pick("k", 103, {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"}) + " AS o_orderpriority, " +
         "'Clerk#' || lpad(" + q.uniform("k", 104, std::max<uint64_t>(s.orders / 1500, 1), 1) +
         "::VARCHAR, 9, '0') AS o_clerk, 0::INTEGER AS o_shippriority, " + q.comment("k", 105) +
         " AS o_comment FROM range(" + std::to_string(from) + ", " + std::to_string(to) + ") t(k)";
}

// part keys [from, to).
std::string part_sql(const Sql& q, uint64_t from, uint64_t to) {
  static const std::vector<std::string> colors = {"almond", "antique", "aquamarine", "azure",  "beige",
                                                  "bisque", "black",   "blanched",   "blue",   "blush",
                                                  "brown",  "burlywood", "chartreuse", "coral", "cornsilk"};
  std::string mfgr = q.uniform("k", 201, 5, 1);
  return "SELECT k AS p_partkey, " + q.pick("k", 202, colors) + " || ' ' || " + q.pick("k", 203, colors) +
         " || ' ' || " + q.pick("k", 204, colors) + " AS p_name, 'Manufacturer#' || " + mfgr +
         " AS p_mfgr, 'Brand#' || " + mfgr + " || " + q.uniform("k", 205, 5, 1) + " AS p_brand, " +
         q.pick("k", 206, {"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"}) + " || ' ' || " +
         q.pick("k", 207, {"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"}) + " || ' ' || " +
         q.pick("k", 208, {"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"}) + " AS p_type, " +
         q.uniform("k", 209, 50, 1) + "::INTEGER AS p_size, " +
         q.pick("k", 210, {"SM", "LG", "MED", "JUMBO", "WRAP"}) + " || ' ' || " +
         q.pick("k", 211, {"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"}) + " AS p_container, " +
         retail_price("k") + " AS p_retailprice, " + q.comment("k", 212) + " AS p_comment FROM range(" +
         std::to_string(from) + ", " + std::to_string(to) + ") t(k)";
}

// supplier keys [from, to).
std::string supplier_sql(const Sql& q, uint64_t from, uint64_t to) {
  std::string nation = q.uniform("k", 301, 25, 0);
  return "SELECT k AS s_suppkey, 'Supplier#' || lpad(k::VARCHAR, 9, '0') AS s_name, " +
         q.uniform("k", 302, 9999, 1) + "::VARCHAR || ' ' || " + q.comment("k", 303) + " AS s_address, " + nation +
         " AS s_nationkey, (" + nation + " + 10)::VARCHAR || '-' || " + q.uniform("k", 306, 900, 100) +
         "::VARCHAR || '-' || " + q.uniform("k", 307, 900, 100) + "::VARCHAR || '-' || " +
         q.uniform("k", 308, 9000, 1000) + "::VARCHAR AS s_phone, round((" + q.uniform("k", 309, 1'099'999, -99'999) +
         ") / 100.0, 2)::DOUBLE AS s_acctbal, " + q.comment("k", 310) + " AS s_comment FROM range(" +
         std::to_string(from) + ", " + std::to_string(to) + ") t(k)";
}

std::string file_name(uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-%05llu.parquet", static_cast<unsigned long long>(index));
  return buf;
}

std::string local_directory(const GenerateOptions& o) {
  std::string out = o.out_dir;
  if (out.empty()) out = SessionOptions::from_environment().warehouse + "/tpch";
  if (out.rfind("file://", 0) == 0) out = out.substr(7);
  if (out.find("://") != std::string::npos)
    throw Error(ErrorCode::NotSupported, out, "the generator writes to a local directory, not to '" + out + "'");
  return out;
}

void make_directories(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw Error(ErrorCode::IOError, dir.string(),
                "cannot create directory '" + dir.string() + "': " + (ec ? ec.message() : "not a directory"));
}

void remove_tree(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
  if (ec) throw Error(ErrorCode::IOError, p.string(), "cannot remove '" + p.string() + "': " + ec.message());
}

// One table being written: its rows come in batches of rows_per_file.
class TableWriter {
 public:
  TableWriter(Session& session, ProgressBar& bar, fs::path partial, GeneratedTable& out)
      : session_(session), bar_(bar), partial_(std::move(partial)), out_(out) {}

  void write_file(const std::string& select, uint64_t index, uint64_t rows) {
    fs::path file = partial_ / file_name(index);
    copy(select, file);
    out_.files.push_back((fs::path(out_.directory) / file_name(index)).string());
    done(rows);
  }

  // Splits one batch by ship year into l_shipyear=YYYY/ directories. Ship
  // dates fall in 1992..1998 (order dates 1992-01-01 + 0..2405 days, plus up
  // to 121 days): seven partitions.
  void write_partitioned(const std::string& select, uint64_t index, uint64_t rows) {
    session_.execute("CREATE OR REPLACE TABLE __neuralake_batch AS " + select);
    DataFrame years = session_.sql(
        "SELECT DISTINCT year(l_shipdate)::BIGINT FROM __neuralake_batch ORDER BY 1");
    for (size_t r = 0; r < years.num_rows(); ++r) {
      int64_t year = *years.column(0).at<int64_t>(r);
      std::string dir = "l_shipyear=" + std::to_string(year);
      make_directories(partial_ / dir);
      copy("SELECT * FROM __neuralake_batch WHERE year(l_shipdate) = " + std::to_string(year),
           partial_ / dir / file_name(index));
      out_.files.push_back((fs::path(out_.directory) / dir / file_name(index)).string());
    }
    session_.execute("DROP TABLE __neuralake_batch");
    done(rows);
  }

 private:
  void copy(const std::string& select, const fs::path& file) {
    try {
      session_.execute("COPY (" + select + ") TO " + sql_string_literal(file.string()) + " (FORMAT parquet)");
    } catch (const Error& e) {
      throw Error(ErrorCode::IOError, file.string(), "cannot write '" + file.string() + "': " + e.what());
    }
  }
  void done(uint64_t rows) {
    out_.rows += rows;
    bar_.advance(rows, out_.name);
  }

  Session& session_;
  ProgressBar& bar_;
  fs::path partial_;
  GeneratedTable& out_;
};

}  // namespace

std::vector<GeneratedTable> generate_tpch(const GenerateOptions& o) {
  if (o.rows == 0) throw Error(ErrorCode::InvalidArgument, "rows", "rows must be positive (lineitem rows to generate)");
  if (o.rows_per_file == 0) throw Error(ErrorCode::InvalidArgument, "rows_per_file", "rows_per_file must be positive");
  if (o.threads < 0) throw Error(ErrorCode::InvalidArgument, "threads", "threads must be 0 (all cores) or positive");
  std::vector<std::string> tables = o.tables;
  if (tables.empty()) tables.assign(std::begin(kTableNames), std::end(kTableNames));
  std::set<std::string> seen;
  for (const auto& t : tables) {
    if (std::find(std::begin(kTableNames), std::end(kTableNames), t) == std::end(kTableNames))
      throw Error(ErrorCode::InvalidArgument, t,
                  "unknown table '" + t + "'; the generator writes lineitem, orders, part and supplier");
    if (!seen.insert(t).second) throw Error(ErrorCode::InvalidArgument, t, "table '" + t + "' is listed twice");
  }

  const fs::path root = local_directory(o);
  make_directories(root);
  const Sizes sizes = sizes_for(o.rows);
  const Sql q(o.seed);

  SessionOptions session_options;
  session_options.warehouse = root.string();
  session_options.threads = o.threads;
  Session session(session_options);

  auto rows_of = [&](const std::string& t) {
    return t == "lineitem" ? sizes.lineitem : t == "orders" ? sizes.orders : t == "part" ? sizes.part : sizes.supplier;
  };
  uint64_t total = 0;
  for (const auto& t : tables) total += rows_of(t);
  ProgressBar bar(total, o.progress && ::isatty(STDERR_FILENO));

  std::vector<GeneratedTable> result;
  for (const auto& t : tables) {
    GeneratedTable out;
    out.name = t;
    out.directory = (root / t).string();
    // Written beside the table's directory and swapped in only when complete.
    const fs::path partial = root / ("." + t + ".partial");
    remove_tree(partial);
    make_directories(partial);
    try {
      TableWriter writer(session, bar, partial, out);
      const uint64_t n = rows_of(t);
      for (uint64_t index = 0, from = 0; from < n; ++index, from += o.rows_per_file) {
        const uint64_t to = std::min(n, from + o.rows_per_file);
        if (t == "lineitem") {
          std::string select = lineitem_sql(q, sizes, from, to);
          if (o.partitioned)
            writer.write_partitioned(select, index, to - from);
          else
            writer.write_file(select, index, to - from);
        } else if (t == "orders") {
          writer.write_file(orders_sql(q, sizes, from + 1, to + 1), index, to - from);
        } else if (t == "part") {
          writer.write_file(part_sql(q, from + 1, to + 1), index, to - from);
        } else {
          writer.write_file(supplier_sql(q, from + 1, to + 1), index, to - from);
        }
      }
    } catch (...) {
      std::error_code ignored;
      fs::remove_all(partial, ignored);
      bar.finish();
      throw;
    }
    remove_tree(root / t);
    std::error_code ec;
    fs::rename(partial, root / t, ec);
    if (ec)
      throw Error(ErrorCode::IOError, (root / t).string(),
                  "cannot move the generated table into '" + (root / t).string() + "': " + ec.message());
    result.push_back(std::move(out));
  }
  bar.finish();
  return result;
}

}  // namespace neuralake

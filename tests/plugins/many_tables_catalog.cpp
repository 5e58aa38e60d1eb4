// A catalog plugin of many documented tables with declared schemas, for the
// catalog site's browser test and benchmark. NEURALAKE_TEST_TABLE_COUNT sets
// how many (default 10000). The tables vary in column names, descriptions,
// tags, nested struct/list/map columns, partition columns, example filters and
// computed columns; every 40th is deprecated. One table, security.xss_probe,
// carries markup and script in its documentation to check the site shows it
// as text.
#include <cstdlib>
#include <string>
#include <vector>

#include "neuralake/neuralake.h"
#include "neuralake/plugin.h"

namespace nl = neuralake;

namespace {

const std::vector<std::string> kDomains = {"sales",   "billing", "logistics", "marketing", "support",
                                           "finance", "hr",      "inventory", "telemetry", "identity",
                                           "risk",    "growth",  "search",    "payments",  "catalog",
                                           "ads",     "orders",  "shipping",  "pricing",   "reviews"};
const std::vector<std::string> kNouns = {
    "customer", "order",  "invoice", "shipment", "account", "session", "device",   "payment", "refund",
    "product",  "vendor", "region",  "store",    "ticket",  "agent",   "campaign", "click",   "visit",
    "cart",     "coupon", "rating",  "warehouse", "route",  "driver",  "employee", "badge",   "ledger",
    "budget",   "quota",  "alert",   "signal",   "sensor",  "firmware", "tenant",  "contract", "claim"};
const std::vector<std::string> kQualifiers = {"id",      "name",   "status", "amount", "count", "created_at",
                                              "updated_at", "code", "score",  "type",   "total", "currency",
                                              "country", "email",  "source", "rank",   "ratio", "flag"};
const std::vector<std::string> kWords = {
    "daily",  "hourly",   "snapshot", "history",   "events",   "rollup",  "audit",     "ledger", "feed",
    "latest", "archive",  "summary",  "staging",   "clean",    "enriched", "raw",      "facts",  "dims"};
const std::vector<std::string> kSources = {"Kafka topic",   "nightly batch", "CDC stream",       "vendor SFTP drop",
                                           "REST poller",   "mobile SDK",    "warehouse export", "partner webhook",
                                           "billing engine", "clickstream collector"};
const std::vector<std::string> kPurposes = {"fraud scoring",     "revenue reporting", "churn models",   "capacity planning",
                                            "SLA tracking",      "experiment analysis", "audit trails", "forecasting",
                                            "quarterly close",   "anomaly alerts",    "pricing research", "support triage"};
const std::vector<std::string> kTags = {"pii",     "gdpr",   "finance", "core",   "experimental", "gold",
                                        "silver",  "bronze", "realtime", "batch", "ml-feature",   "reporting"};

int table_count() {
  const char* env = std::getenv("NEURALAKE_TEST_TABLE_COUNT");
  if (env == nullptr || *env == '\0') return 10000;
  char* end = nullptr;
  long n = std::strtol(env, &end, 10);
  if (*end != '\0' || n < 1 || n > 1000000) {
    throw nl::Error(nl::ErrorCode::InvalidArgument, "NEURALAKE_TEST_TABLE_COUNT",
                    "NEURALAKE_TEST_TABLE_COUNT must be a whole number from 1 to 1000000, got '" +
                        std::string(env) + "'");
  }
  return static_cast<int>(n);
}

const std::string& pick(const std::vector<std::string>& words, size_t i) { return words[i % words.size()]; }

nl::DataType scalar_type(size_t i) {
  switch (i % 7) {
    case 0: return nl::DataType::int64();
    case 1: return nl::DataType::string();
    case 2: return nl::DataType::float64();
    case 3: return nl::DataType::date();
    case 4: return nl::DataType::timestamp();
    case 5: return nl::DataType::boolean();
    default: return nl::DataType::decimal(18, 2);
  }
}

// A Markdown description drawn from a few sentence shapes and word lists, so
// that words are spread over the tables as in a real catalog.
std::string describe_table(size_t n, const std::string& noun, const std::string& topic, const std::string& db,
                           const std::string& name, const std::string& column) {
  const std::string& source = pick(kSources, n * 3 + n / 10);
  const std::string& purpose = pick(kPurposes, n / 7 + n);
  std::string first;
  switch (n % 4) {
    case 0: first = "**" + topic + "** records of each " + noun + " in *" + db + "*, from the " + source + "."; break;
    case 1: first = "One row per " + noun + " and day, loaded from the " + source + " for " + purpose + "."; break;
    case 2: first = "The " + noun + " " + topic + " table that *" + db + "* keeps for " + purpose + "."; break;
    default: first = "Deduplicated " + noun + " facts; the " + source + " is the source of truth."; break;
  }
  std::string second;
  switch (n % 3) {
    case 0: second = "Join on `" + column + "`; see the [runbook](https://example.com/" + db + "/" + name + ")."; break;
    case 1: second = "Used for " + purpose + "; owned by the " + db + " team."; break;
    default: second = "Late rows are merged by `" + column + "` within two days."; break;
  }
  return first + "\n\n" + second;
}

// Table i of database `db`: ~10 columns whose names mix a noun and a
// qualifier, plus one column named after the table, unique in the catalog.
nl::Table make_table(int i, const std::string& db) {
  const size_t n = static_cast<size_t>(i);
  const std::string noun = pick(kNouns, n * 7 + 3);
  const std::string name = noun + "_" + pick(kWords, n / 3) + "_" + std::to_string(i);
  nl::Schema schema;
  schema.push_back({name + "_key", nl::DataType::int64()});
  for (size_t c = 0; c < 9; ++c) {
    std::string column = pick(kNouns, n + c * 5) + "_" + pick(kQualifiers, n * 3 + c);
    bool repeated = false;
    for (const auto& f : schema) repeated = repeated || f.name == column;
    if (!repeated) schema.push_back({column, scalar_type(n + c)});
  }
  if (i % 7 == 0) {
    schema.push_back({"address", nl::DataType::structure({
                                     {"street", nl::DataType::string()},
                                     {"city", nl::DataType::string()},
                                     {"geo", nl::DataType::structure({{"lat", nl::DataType::float64()},
                                                                      {"lon", nl::DataType::float64()}})},
                                 })});
    schema.push_back({"labels", nl::DataType::list(nl::DataType::string())});
  }
  if (i % 11 == 0) {
    schema.push_back({"attributes", nl::DataType::map(nl::DataType::string(), nl::DataType::int64())});
  }

  const std::string& topic = pick(kWords, n / 3);
  auto table = nl::ParquetTable(name, "{warehouse}/many/" + db + "/" + name)
                   .schema(schema)
                   .describe(describe_table(n, noun, topic, db, name, schema[1].name))
                   .owner(db + "-team")
                   .tags({pick(kTags, n), pick(kTags, n / 2 + 1)})
                   .data_input("The " + db + " service's " + topic + " export")
                   .latency_info(i % 2 == 0 ? "Daily at 02:00 UTC" : "About 15 minutes behind")
                   .unique_columns({name + "_key"})
                   .column_description(name + "_key", "Surrogate key of the **" + noun + "** row")
                   .column_description(schema[1].name, "The " + schema[1].name + " as the source reports it")
                   .example_link("Dashboard", "https://example.com/dash/" + name);
  if (i % 5 == 0) {
    table.partition_columns({{"day", nl::DataType::date()}, {"region", nl::DataType::string()}});
    table.docs_filters({nl::Filter("day", "=", "2024-01-01"), nl::Filter("region", "=", "eu")});
  } else {
    table.docs_filters({nl::Filter(name + "_key", "<", int64_t{100})});
  }
  if (i % 9 == 0) table.extra_column(name + "_key_plus_one", name + "_key + 1");
  if (i % 40 == 39) table.deprecated();
  return table;
}

nl::Table xss_probe() {
  return nl::ParquetTable("xss_probe", "{warehouse}/many/security/xss_probe")
      .schema({{"payload", nl::DataType::string()}, {"probe_id", nl::DataType::int64()}})
      .describe("Markup must show as text: <script>alert(1)</script> and <img src=x onerror=alert(1)> "
                "and [x](javascript:alert(1)).")
      .owner("<img src=x onerror=alert(2)>")
      .tags({"<b>bold</b>", "security"})
      .data_input("<script>alert(3)</script>")
      .column_description("payload", "<img src=x onerror=alert(4)> [y](javascript:alert(5))")
      .example_link("<script>alert(6)</script>", "javascript:alert(7)")
      .example_link("Safe", "https://example.com/security");
}

nl::Catalog make_catalog() {
  const int count = table_count();
  const size_t databases = kDomains.size();
  std::vector<std::vector<nl::Table>> tables(databases);
  for (int i = 0; i < count; ++i) {
    const size_t d = static_cast<size_t>(i) % databases;
    tables[d].push_back(make_table(i, kDomains[d]));
  }
  std::vector<std::pair<std::string, nl::Database>> dbs;
  for (size_t d = 0; d < databases; ++d) {
    if (tables[d].empty()) continue;
    dbs.emplace_back(kDomains[d], nl::Database(std::move(tables[d]), "Tables of the *" + kDomains[d] + "* domain"));
  }
  dbs.emplace_back("security", nl::Database({xss_probe()}, "Documentation that must never run as code"));
  return nl::Catalog(std::move(dbs)).named("many_tables");
}

}  // namespace

NEURALAKE_CATALOG_PLUGIN(make_catalog)

// The catalog-metadata JSON that the site, the exports and the API server
// share (docs/catalog-metadata.md), its snippets, and the site folder.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "metadata/api_names.h"
#include "metadata/catalog_json.h"
#include "metadata/snippets.h"
#include "neuralake/neuralake.h"
#include "site/site_builder.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace fs = std::filesystem;
using nl::cli::CatalogJsonOptions;
using nl::cli::CatalogSource;
using nl::testing::TempDir;
using json = nlohmann::json;

namespace {

nl::Schema two_columns() { return {{"id", nl::DataType::int64()}, {"name", nl::DataType::string()}}; }

const json& find_table(const json& doc, const std::string& qualified) {
  for (const auto& c : doc["catalogs"])
    for (const auto& d : c["databases"])
      for (const auto& t : d["tables"])
        if (t["qualified_name"] == qualified) return t;
  throw std::runtime_error("no table " + qualified + " in the document");
}

nl::SessionOptions options_in(const TempDir& dir) {
  nl::SessionOptions o;
  o.warehouse = dir.str();
  return o;
}

// A session over these options cannot start: a site build that opens one
// shows its error on the tables that needed it.
nl::SessionOptions engine_refused(const TempDir& dir) {
  nl::SessionOptions o = options_in(dir);
  o.memory_limit = "not-a-size";
  return o;
}

TEST(CatalogMetadata, DeclaredSchemasAreReadWithoutTheEngine) {
  TempDir dir;
  auto declared = nl::ParquetTable("events", "{warehouse}/nowhere/").schema(two_columns());
  auto undeclared = nl::ParquetTable("raw", "{warehouse}/raw.parquet");
  nl::Catalog catalog({{"db", nl::Database({declared, undeclared})}}, engine_refused(dir));
  json doc = nl::cli::catalog_metadata_json({{&catalog, "libx.so"}}, {});

  const json& e = find_table(doc, "db.events");
  EXPECT_EQ(e["schema_source"], "declared");
  EXPECT_TRUE(e["schema_error"].is_null()) << e["schema_error"];
  ASSERT_EQ(e["columns"].size(), 2u);
  EXPECT_EQ(e["columns"][0]["name"], "id");
  EXPECT_EQ(e["columns"][0]["type"], "i64");
  EXPECT_EQ(e["columns"][1]["sql_type"], "VARCHAR");

  // The undeclared one needed the engine, which could not start: marked, not fatal.
  const json& r = find_table(doc, "db.raw");
  EXPECT_EQ(r["schema_source"], "unavailable");
  EXPECT_TRUE(r["columns"].is_null());
  EXPECT_NE(r["schema_error"].get<std::string>().find("not-a-size"), std::string::npos) << r["schema_error"];
}

TEST(CatalogMetadata, UndeclaredSchemasAreInferredAndMissingDataIsReported) {
  TempDir dir;
  {
    nl::Session s(options_in(dir));
    s.execute("COPY (SELECT 1::INTEGER AS a, 'x' AS b, {'k': 1, 'v': [1.5::DOUBLE]} AS nested) TO '" +
              (dir.path() / "t.parquet").string() + "' (FORMAT parquet)");
  }
  auto present = nl::ParquetTable("present", "{warehouse}/t.parquet");
  auto missing = nl::ParquetTable("missing", "{warehouse}/missing.parquet");
  nl::Catalog catalog({{"db", nl::Database({present, missing})}}, options_in(dir));
  json doc = nl::cli::catalog_metadata_json({{&catalog, ""}}, {});

  const json& p = find_table(doc, "db.present");
  EXPECT_EQ(p["schema_source"], "inferred");
  ASSERT_EQ(p["columns"].size(), 3u);
  EXPECT_EQ(p["columns"][0]["type"], "i32");
  const json& nested = p["columns"][2];
  ASSERT_TRUE(nested.contains("fields"));
  EXPECT_EQ(nested["fields"][0]["name"], "k");
  EXPECT_EQ(nested["fields"][1]["name"], "v");
  EXPECT_EQ(nested["fields"][1]["fields"][0]["name"], "element");
  EXPECT_EQ(nested["fields"][1]["fields"][0]["type"], "f64");

  const json& m = find_table(doc, "db.missing");
  EXPECT_EQ(m["schema_source"], "unavailable");
  EXPECT_NE(m["schema_error"].get<std::string>().find("missing.parquet"), std::string::npos) << m["schema_error"];
}

TEST(CatalogMetadata, PreviewsGoThroughDocsFiltersAndFailuresAreMarked) {
  TempDir dir;
  auto people = nl::FunctionTable("people", [](const nl::ScanRequest&) {
                  return nl::DataFrame::from_columns({nl::Series("id", std::vector<int64_t>{1, 2, 3}),
                                                      nl::Series("name", std::vector<std::string>{"a", "b", "c"})});
                }).docs_filters({nl::Filter("id", ">=", 2)});
  nl::Schema schema = two_columns();
  auto broken = nl::FunctionTable("broken", schema, [](const nl::ScanRequest&) -> std::unique_ptr<nl::BatchReader> {
    throw nl::Error(nl::ErrorCode::IOError, "upstream", "the upstream service is down");
  });
  nl::Catalog catalog({{"db", nl::Database({people, broken})}}, options_in(dir));
  CatalogJsonOptions o;
  o.preview_rows = 5;
  json doc = nl::cli::catalog_metadata_json({{&catalog, ""}}, o);

  const json& p = find_table(doc, "db.people");
  ASSERT_FALSE(p["preview"].is_null()) << p["preview_error"];
  EXPECT_EQ(p["preview"]["columns"], json({"id", "name"}));
  EXPECT_EQ(p["preview"]["rows"], json::parse(R"([["2","b"],["3","c"]])"));

  const json& b = find_table(doc, "db.broken");
  EXPECT_TRUE(b["preview"].is_null());
  EXPECT_NE(b["preview_error"].get<std::string>().find("upstream service is down"), std::string::npos)
      << b["preview_error"];
  EXPECT_EQ(b["schema_source"], "declared");  // the schema is still there
}

TEST(CatalogMetadata, ASlowTableIsCutOffAtItsTimeLimit) {
  TempDir dir;
  std::atomic<bool> stop{false};
  nl::Schema schema = two_columns();
  auto slow = nl::FunctionTable("slow", schema, [&stop](const nl::ScanRequest&) {
    return nl::make_batch_reader([&stop]() -> std::optional<nl::DataFrame> {
      if (stop) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return nl::DataFrame::from_columns(
          {nl::Series("id", std::vector<int64_t>{1}), nl::Series("name", std::vector<std::string>{"x"})});
    });
  }).docs_filters({nl::Filter("id", "=", 2)});  // never matches: the scan would run forever
  nl::Catalog catalog({{"db", nl::Database({slow})}}, options_in(dir));
  CatalogJsonOptions o;
  o.preview_rows = 1;
  o.table_time_limit = std::chrono::milliseconds(300);
  auto started = std::chrono::steady_clock::now();
  json doc = nl::cli::catalog_metadata_json({{&catalog, ""}}, o);
  stop = true;
  const json& t = find_table(doc, "db.slow");
  EXPECT_TRUE(t["preview"].is_null());
  EXPECT_FALSE(t["preview_error"].is_null());
  EXPECT_NE(t["preview_error"].get<std::string>().find("time"), std::string::npos) << t["preview_error"];
  // Cut off, not run to the end (which is never): generous for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
}

TEST(CatalogMetadata, DocumentationFieldsAndDatarepoShape) {
  TempDir dir;
  auto t = nl::ParquetTable("daily", "s3://AKIAEXAMPLE:secret@bucket/daily/")
               .schema(two_columns())
               .partition_columns({{"day", nl::DataType::date()}})
               .describe("Daily *totals*")
               .owner("team")
               .tags({"a", "b"})
               .data_input("service")
               .latency_info("1 day")
               .unique_columns({"id"})
               .example_link("Notebook", "https://example.com/nb")
               .example_link("Evil", "javascript:alert(1)")
               .column_description("id", "The **key**")
               .docs_filters({nl::Filter("day", "=", "2024-01-02"), nl::Filter("id", "in", {1, 2})});
  auto old = nl::CsvTable("old", "{warehouse}/old.csv").schema(two_columns()).deprecated();
  nl::Catalog catalog = nl::Catalog({{"sales", nl::Database({t, old}, "Sales *data*")}}, options_in(dir)).named("acme");
  json doc = nl::cli::catalog_metadata_json({{&catalog, ""}}, {});

  EXPECT_EQ(doc["counts"], json({{"catalogs", 1}, {"databases", 1}, {"tables", 2}, {"deprecated", 1}}));
  EXPECT_EQ(doc["catalogs"][0]["name"], "acme");
  EXPECT_EQ(doc["catalogs"][0]["databases"][0]["description_html"], "<p>Sales <em>data</em></p>");

  const json& d = find_table(doc, "sales.daily");
  EXPECT_EQ(d["table_type"], "PARQUET");
  EXPECT_EQ(d["route"], "sales/daily");
  EXPECT_EQ(d["api_name"], "sales_daily");
  EXPECT_EQ(d["catalog"], "acme");
  EXPECT_EQ(d["description_html"], "<p>Daily <em>totals</em></p>");
  EXPECT_EQ(d["location"], "s3://bucket/daily/");  // never the credentials
  EXPECT_EQ(d["partitioning"], "day date");
  EXPECT_EQ(d["partition_columns"], json::parse(R"([{"name":"day","type":"date"}])"));
  ASSERT_EQ(d["columns"].size(), 3u);  // the partition column joins the declared ones
  EXPECT_EQ(d["columns"][2]["name"], "day");
  EXPECT_TRUE(d["columns"][2]["partition"].get<bool>());
  EXPECT_EQ(d["columns"][0]["description_html"], "<p>The <strong>key</strong></p>");
  EXPECT_EQ(d["example_links"].size(), 1u);  // the javascript: link is dropped
  EXPECT_EQ(d["example_notebook"], "https://example.com/nb");
  EXPECT_EQ(d["partitions"][0]["column_name"], "day");
  EXPECT_EQ(d["partitions"][0]["value"], "2024-01-02");
  EXPECT_EQ(d["partitions"][1]["value"], json({1, 2}));
  EXPECT_EQ(d["partitions"][1]["type_annotation"], "list[int]");
  EXPECT_EQ(d["latency_info"], "1 day");
  EXPECT_TRUE(d["supports_sql_filter"].get<bool>());
  EXPECT_TRUE(d["selected_columns"].is_null());

  const json& o = find_table(doc, "sales.old");
  EXPECT_EQ(o["table_type"], "CSV");
  EXPECT_TRUE(o["deprecated"].get<bool>());
  EXPECT_EQ(o["partitioning"], "not partitioned");
  EXPECT_TRUE(o["owner"].is_null());
}

TEST(CatalogMetadata, ScriptInDescriptionsNeverReachesTheHtml) {
  TempDir dir;
  auto t = nl::ParquetTable("x", "{warehouse}/x/")
               .schema(two_columns())
               .describe("<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))")
               .column_description("name", "<b onmouseover=alert(1)>n</b>");
  nl::Catalog catalog({{"db", nl::Database({t})}}, options_in(dir));
  json doc = nl::cli::catalog_metadata_json({{&catalog, ""}}, {});
  const json& x = find_table(doc, "db.x");
  std::string html = x["description_html"];
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_EQ(html.find("href"), std::string::npos) << html;
  std::string column_html = x["columns"][1]["description_html"];
  EXPECT_EQ(column_html.find("<b"), std::string::npos) << column_html;
}

TEST(CatalogMetadata, ADescriptionOfAColumnThatDoesNotExistIsAnError) {
  TempDir dir;
  auto t = nl::ParquetTable("x", "{warehouse}/x/").schema(two_columns()).column_description("nmae", "typo");
  nl::Catalog catalog({{"db", nl::Database({t})}}, options_in(dir));
  try {
    nl::cli::catalog_metadata_json({{&catalog, ""}}, {});
    FAIL() << "expected an error";
  } catch (const nl::Error& e) {
    EXPECT_EQ(e.code(), nl::ErrorCode::InvalidArgument);
    std::string m = e.what();
    EXPECT_NE(m.find("db.x"), std::string::npos) << m;
    EXPECT_NE(m.find("nmae"), std::string::npos) << m;
    EXPECT_NE(m.find("name"), std::string::npos) << m;  // the suggestion
  }
}

TEST(ApiNames, OneNamePerTableAndCollisionsNameBothTables) {
  TempDir dir;
  auto a = nl::ParquetTable("b_c", "{warehouse}/1/").schema(two_columns());
  auto b = nl::ParquetTable("c", "{warehouse}/2/").schema(two_columns());
  nl::Catalog clash({{"a", nl::Database({a})}, {"a_b", nl::Database({b})}}, options_in(dir));
  EXPECT_NL_ERROR(nl::cli::ApiNames({&clash}), InvalidArgument, "a.b_c");
  EXPECT_NL_ERROR(nl::cli::ApiNames({&clash}), InvalidArgument, "a_b.c");

  nl::RoapiOptions renamed;
  renamed.override_name = "special";
  nl::Catalog fine({{"a", nl::Database({a.roapi(renamed)})}, {"a_b", nl::Database({b})}}, options_in(dir));
  nl::cli::ApiNames names({&fine});
  ASSERT_NE(names.find("special"), nullptr);
  EXPECT_EQ(names.find("special")->table->name(), "b_c");
  ASSERT_NE(names.find("a_b_c"), nullptr);
  EXPECT_EQ(names.find("a_b_c")->database, "a_b");
  ASSERT_NE(names.find("a.b_c"), nullptr);  // the dotted name works too
  EXPECT_EQ(names.find("a_b_c_d"), nullptr);
}

TEST(Snippets, TheCliSqlRunsAndMatchesTheLazyFrame) {
  TempDir dir;
  auto t = nl::FunctionTable("it's", [](const nl::ScanRequest&) {
             return nl::DataFrame::from_columns({nl::Series("Id", std::vector<int64_t>{1, 2, 3, 4}),
                                                 nl::Series("s", std::vector<std::string>{"a'b", "c", "d", "e"})});
           }).docs_filters(nl::Filters(std::vector<std::vector<nl::Filter>>{
               {nl::Filter("s", "=", "a'b")}, {nl::Filter("Id", "in", {3, 4}), nl::Filter("s", "!=", "e")}}));
  nl::Catalog catalog({{"db", nl::Database({t})}}, options_in(dir));
  nl::cli::SnippetTarget target{"db", "it's", "db_it's", "lib.so", "http://127.0.0.1:8080/",
                                t.def().metadata.docs_filters, 10};
  std::string sql = nl::cli::select_sql(target);
  nl::DataFrame via_sql = catalog.session().sql(sql);
  nl::DataFrame via_frame = catalog.db("db").table("it's", t.def().metadata.docs_filters).collect();
  EXPECT_EQ(via_sql.num_rows(), 2u) << sql;
  EXPECT_EQ(via_sql.to_string(), via_frame.to_string());

  // OR is not REST: the request goes to the SQL endpoint instead.
  std::string rest = nl::cli::rest_snippet(target);
  EXPECT_NE(rest.find("http://127.0.0.1:8080/api/sql"), std::string::npos) << rest;
  std::string cpp = nl::cli::cpp_snippet(target);
  EXPECT_NE(cpp.find("neuralake::Filter(\"s\", \"=\", \"a'b\")"), std::string::npos) << cpp;
  EXPECT_NE(cpp.find("catalog.db(\"db\")"), std::string::npos) << cpp;
}

TEST(Snippets, RestSpeaksRoapiSyntax) {
  nl::cli::SnippetTarget target{"tpch", "part", "tpch_part", "lib.so", "http://localhost:9000",
                                nl::Filters{nl::Filter("p_brand", "=", "Brand#1"), nl::Filter("p_size", ">=", 5),
                                            nl::Filter("p_type", "in", {"A", "B"}), nl::Filter("p_x", "is null")},
                                100};
  EXPECT_EQ(nl::cli::rest_snippet(target),
            "curl -g \"http://localhost:9000/api/tables/tpch_part?filter[p_brand]eq='Brand%231'&"
            "filter[p_size]gte=5&filter[p_type]in='A','B'&filter[p_x]isnull=true&limit=100\"");
  EXPECT_EQ(nl::cli::cli_snippet(target),
            "neuralake --catalog 'lib.so' sql \"SELECT * FROM tpch.part WHERE p_brand = 'Brand#1' AND p_size >= 5 "
            "AND p_type IN ('A', 'B') AND p_x IS NULL LIMIT 100\"");
}

TEST(Site, WritesTheFrontEndAndTheDataAsJsonAndScript) {
  TempDir dir;
  auto t = nl::ParquetTable("x", "{warehouse}/x/").schema(two_columns());
  nl::Catalog catalog({{"db", nl::Database({t})}}, options_in(dir));
  nl::cli::SiteOptions o;
  o.out_dir = (dir.path() / "site").string();
  auto r = nl::cli::build_site({{&catalog, ""}}, o);
  EXPECT_EQ(r.tables, 1u);
  EXPECT_EQ(r.index_path, (dir.path() / "site" / "index.html").string());
  for (const auto& [name, bytes] : nl::cli::embedded_site_files())
    EXPECT_EQ(nl::testing::read_file(dir.path() / "site" / std::string(name)), bytes) << name;
  EXPECT_TRUE(fs::exists(dir.path() / "site" / "minisearch.js"));
  std::string data = nl::testing::read_file(dir.path() / "site" / "data.json");
  EXPECT_EQ(nl::testing::read_file(dir.path() / "site" / "data.js"), "window.NEURALAKE_CATALOG = " + data + ";\n");
  EXPECT_EQ(json::parse(data)["counts"]["tables"], 1);
}

TEST(Site, RefusesAForeignFolderUnlessForcedAndReplacesItsOwn) {
  TempDir dir;
  auto t = nl::ParquetTable("x", "{warehouse}/x/").schema(two_columns());
  nl::Catalog catalog({{"db", nl::Database({t})}}, options_in(dir));
  fs::path out = dir.path() / "docs";
  fs::create_directories(out);
  nl::testing::write_file(out / "notes.txt", "mine");
  nl::cli::SiteOptions o;
  o.out_dir = out.string();
  EXPECT_NL_ERROR(nl::cli::build_site({{&catalog, ""}}, o), AlreadyExists, out.string());
  EXPECT_FALSE(fs::exists(out / "index.html"));

  o.force = true;  // written beside the user's file, which stays
  nl::cli::build_site({{&catalog, ""}}, o);
  EXPECT_TRUE(fs::exists(out / "data.json"));
  EXPECT_EQ(nl::testing::read_file(out / "notes.txt"), "mine");

  // A folder of its own making is replaced whole, without --force.
  fs::path own = dir.path() / "site";
  o.out_dir = own.string();
  o.force = false;
  nl::cli::build_site({{&catalog, ""}}, o);
  nl::testing::write_file(own / "stale.html", "old");
  nl::cli::build_site({{&catalog, ""}}, o);
  EXPECT_FALSE(fs::exists(own / "stale.html"));
  EXPECT_TRUE(fs::exists(own / "data.json"));
  // No staging folders are left beside it.
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".site."), std::string::npos) << e.path();
}

TEST(Site, AFailedBuildLeavesTheEarlierSiteWhole) {
  TempDir dir;
  auto good = nl::ParquetTable("x", "{warehouse}/x/").schema(two_columns());
  nl::Catalog catalog({{"db", nl::Database({good})}}, options_in(dir));
  nl::cli::SiteOptions o;
  o.out_dir = (dir.path() / "site").string();
  nl::cli::build_site({{&catalog, ""}}, o);
  std::string before = nl::testing::read_file(dir.path() / "site" / "data.json");

  auto bad = nl::ParquetTable("x", "{warehouse}/x/").schema(two_columns()).column_description("nope", "?");
  nl::Catalog broken({{"db", nl::Database({bad})}}, options_in(dir));
  EXPECT_NL_ERROR(nl::cli::build_site({{&broken, ""}}, o), InvalidArgument, "nope");
  EXPECT_EQ(nl::testing::read_file(dir.path() / "site" / "data.json"), before);
}

}  // namespace

// load_catalog_plugin() on real shared libraries: the quickstart plugin, a
// missing file, libraries that are not plugins, and factories that throw.
#include <filesystem>
#include <string>

#include "neuralake/catalog.h"
#include "neuralake/plugin.h"
#include "neuralake/sample_data.h"
#include "neuralake/session.h"
#include "testing/test_util.h"

#if defined(QUICKSTART_PLUGIN)

namespace nl = neuralake;
using nl::testing::TempDir;

namespace {

TEST(PluginTest, QuickstartPluginHasItsTables) {
  nl::Catalog catalog = nl::load_catalog_plugin(QUICKSTART_PLUGIN);
  EXPECT_EQ(catalog.database_names(), std::vector<std::string>{"tpch"});
  EXPECT_EQ(catalog.db("tpch").table_names(), (std::vector<std::string>{"part", "supplier"}));
  EXPECT_EQ(catalog.table("tpch.part").def().metadata.description, "Parts from the TPC-H benchmark");
  EXPECT_EQ(catalog.table("tpch.supplier").kind(), nl::table_kind::function);
}

TEST(PluginTest, CatalogNameIsThePluginsOrItsFileStem) {
  EXPECT_EQ(nl::load_catalog_plugin(QUICKSTART_PLUGIN).name(), "quickstart");  // named in its code
  // Unnamed: the file name without "lib" and ".so".
  EXPECT_EQ(nl::load_catalog_plugin(DOCUMENTED_PLUGIN).name(), "test_documented_catalog");
}

TEST(PluginTest, QueriesRunThePluginsCode) {
  TempDir dir;
  nl::SessionOptions options;
  options.warehouse = dir.str();
  {
    nl::Session plain(options);
    nl::write_sample_data(plain);
  }
  nl::Catalog catalog = nl::load_catalog_plugin(QUICKSTART_PLUGIN);
  nl::Session session(catalog, options);
  // tpch.supplier is computed by a function compiled into the plugin.
  nl::DataFrame df = session.sql(
      "SELECT s_name, s_acctbal FROM tpch.supplier s JOIN tpch.part p ON p.p_partkey = s.s_suppkey "
      "WHERE s_suppkey >= 4 ORDER BY s_suppkey");
  ASSERT_EQ(df.num_rows(), 2u);
  EXPECT_EQ(df.value(0, 0), nl::Value("Supplier#4"));
  EXPECT_EQ(df.value(1, 0), nl::Value("Supplier#5"));
  EXPECT_EQ(df.value(1, 1), nl::Value(500.0));
}

TEST(PluginTest, LoadingTwiceGivesIndependentCatalogs) {
  nl::Catalog a = nl::load_catalog_plugin(QUICKSTART_PLUGIN);
  nl::Catalog b = nl::load_catalog_plugin(QUICKSTART_PLUGIN);
  EXPECT_EQ(a.db("tpch").table_names(), b.db("tpch").table_names());
}

TEST(PluginTest, MissingFileIsNotFound) {
  TempDir dir;
  std::string path = (dir.path() / "libnothing_here.so").string();
  EXPECT_NL_ERROR(nl::load_catalog_plugin(path), NotFound, "libnothing_here.so");
}

TEST(PluginTest, LibraryWithoutEntryPointsIsInvalidArgument) {
  EXPECT_NL_ERROR(nl::load_catalog_plugin(NOT_A_PLUGIN), InvalidArgument, "not a neuralake catalog plugin");
  EXPECT_NL_ERROR(nl::load_catalog_plugin(NOT_A_PLUGIN), InvalidArgument, NOT_A_PLUGIN);
}

TEST(PluginTest, FileThatIsNoLibraryIsInvalidArgument) {
  TempDir dir;
  auto path = dir.path() / "libtext.so";
  nl::testing::write_file(path, "this is not an ELF file\n");
  EXPECT_NL_ERROR(nl::load_catalog_plugin(path.string()), InvalidArgument, "libtext.so");
}

TEST(PluginTest, OtherAbiVersionIsInvalidArgument) {
  EXPECT_NL_ERROR(nl::load_catalog_plugin(WRONG_ABI_PLUGIN), InvalidArgument, "ABI version 999");
}

TEST(PluginTest, FactoryErrorKeepsItsCodeAndMessageAcrossTheCBoundary) {
  try {
    nl::load_catalog_plugin(THROWING_PLUGIN);
    FAIL() << "expected the plugin's error";
  } catch (const nl::Error& e) {
    EXPECT_EQ(e.code(), nl::ErrorCode::PermissionDenied) << e.what();
    std::string what = e.what();
    EXPECT_NE(what.find("cannot list 's3://secret-bucket/tables': access denied"), std::string::npos) << what;
    // The loader names the plugin too, so the user knows which library failed.
    EXPECT_NE(what.find(THROWING_PLUGIN), std::string::npos) << what;
  }
}

TEST(PluginTest, FactoryStdExceptionBecomesInternalWithItsMessage) {
  EXPECT_NL_ERROR(nl::load_catalog_plugin(THROWING_STD_PLUGIN), Internal, "could not parse catalog.yaml");
}

}  // namespace

#endif  // QUICKSTART_PLUGIN

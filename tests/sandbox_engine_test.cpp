// The engine layer of a session confined to its catalog, on its own: these
// queries skip the statement check (engine::run_query, as the session's own
// code runs SQL), to show what DuckDB's settings and neuralake's filesystem
// refuse by themselves should a statement ever get past that check.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/engine.h"
#include "neuralake/neuralake.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace nlt = neuralake::testing;
namespace fs = std::filesystem;

namespace {

class SandboxEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "warehouse" / "notes");
    nlt::write_file(dir_.path() / "warehouse" / "notes" / "a.csv", "note\nhello\n");
    nlt::write_file(dir_.path() / "secret.csv", "secret\nhunter2\n");
    nl::SessionOptions o;
    o.warehouse = (dir_.path() / "warehouse").string();
    o.confine_to_catalog = true;
    catalog_ = std::make_unique<nl::Catalog>(
        std::vector<std::pair<std::string, nl::Database>>{
            {"shop", nl::Database({nl::CsvTable("notes", "{warehouse}/notes/")})}},
        o);
    session_ = std::make_unique<nl::Session>(*catalog_, o);
  }
  nl::DataFrame run(const std::string& sql) { return nl::engine::run_query(*session_->state(), sql); }
  std::string notes() const { return "file://" + (dir_.path() / "warehouse" / "notes").string(); }

  nlt::TempDir dir_;
  std::unique_ptr<nl::Catalog> catalog_;
  std::unique_ptr<nl::Session> session_;
};

TEST_F(SandboxEngine, ReadsInsideTheCatalogPass) {
  EXPECT_EQ(run("SELECT * FROM shop.notes").num_rows(), 1u);
  EXPECT_EQ(run("SELECT * FROM read_csv('" + notes() + "/a.csv')").num_rows(), 1u);
}

TEST_F(SandboxEngine, TheConfigurationIsLocked) {
  EXPECT_NL_ERROR(run("SET threads = 1"), InvalidArgument, "locked");
  EXPECT_NL_ERROR(run("SET enable_external_access = true"), InvalidArgument, "enable_external_access");
  EXPECT_NL_ERROR(run("SET GLOBAL allowed_directories = ['/']"), InvalidArgument, "allowed_directories");
  EXPECT_NL_ERROR(run("RESET lock_configuration"), InvalidArgument, "lock_configuration");
}

TEST_F(SandboxEngine, FilesOutsideAreRefusedByDuckDB) {
  const std::string secret = (dir_.path() / "secret.csv").string();
  EXPECT_NL_ERROR(run("SELECT * FROM read_csv('" + secret + "')"), PermissionDenied, "secret.csv");
  EXPECT_NL_ERROR(run("COPY (SELECT 1) TO '" + (dir_.path() / "out.csv").string() + "'"), PermissionDenied, "out.csv");
  EXPECT_FALSE(fs::exists(dir_.path() / "out.csv"));
  EXPECT_NL_ERROR(run("ATTACH '" + (dir_.path() / "x.db").string() + "' AS x"), PermissionDenied, "x.db");
  EXPECT_FALSE(fs::exists(dir_.path() / "x.db"));
  EXPECT_NL_ERROR(run("INSTALL httpfs"), PermissionDenied, "httpfs");
  EXPECT_NL_ERROR(run("LOAD httpfs"), PermissionDenied, "httpfs");
}

// Inside an allowed directory DuckDB would let a COPY write; neuralake's
// filesystem, which serves file:// locations, refuses it.
TEST_F(SandboxEngine, WritesInsideTheCatalogAreRefusedByTheFilesystem) {
  try {
    run("COPY (SELECT 'x' AS note) TO '" + notes() + "/b.csv'");
    ADD_FAILURE() << "the COPY was not refused";
  } catch (const nl::Error& e) {
    EXPECT_EQ(e.code(), nl::ErrorCode::PermissionDenied) << e.what();
    EXPECT_NE(e.object().find("b.csv"), std::string::npos) << e.object();
    EXPECT_NE(std::string(e.what()).find("only reads"), std::string::npos) << e.what();  // neuralake's refusal
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "warehouse" / "notes" / "b.csv"));
  EXPECT_EQ(run("SELECT * FROM shop.notes").num_rows(), 1u);
}

}  // namespace

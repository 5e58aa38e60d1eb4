// The verification suite: each check runs in turn and reports pass, fail or
// skip with a reason, so a deployment can be checked end to end before use.
#include "neuralake/verify.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>

#include "neuralake/catalog.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "storage/conditional_writes.h"
#include "storage/s3/credentials.h"
#include "storage/s3/http_client.h"

namespace neuralake {
namespace {

class Checks {
 public:
  explicit Checks(VerifyReport& report) : report_(report) {}
  void pass(const std::string& name, const std::string& detail) { add(name, CheckStatus::Pass, detail); }
  void fail(const std::string& name, const std::string& detail) { add(name, CheckStatus::Fail, detail); }
  void skip(const std::string& name, const std::string& detail) { add(name, CheckStatus::Skip, detail); }

  // Runs `check`, which returns the pass detail; an Error or other exception
  // becomes a failure with its message (messages never carry secrets).
  template <class F>
  bool run(const std::string& name, F&& check) {
    try {
      pass(name, check());
      return true;
    } catch (const Error& e) {
      fail(name, e.what());
    } catch (const std::exception& e) {
      fail(name, std::string("unexpected error: ") + e.what());
    }
    return false;
  }

 private:
  void add(const std::string& name, CheckStatus status, const std::string& detail) {
    std::string line = detail;
    for (char& c : line)
      if (c == '\n' || c == '\r') c = ' ';
    report_.checks.push_back({name, status, line});
  }
  VerifyReport& report_;
};

std::string plural(size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// A key no other run uses, so concurrent verifications never touch each other's probe.
std::string probe_key(const std::string& prefix) {
  std::random_device rd;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::string name = "_neuralake_verify/probe-" + std::to_string(getpid()) + "-" +
                     std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count()) + "-" +
                     std::to_string(rd());
  return prefix.empty() ? name : prefix + "/" + name;
}

// "file:///w/a/b" for key "w/a/b" under root "w" of warehouse "file:///w".
std::string object_uri(const std::string& warehouse, const std::string& root, const std::string& key) {
  return warehouse + "/" + (root.empty() ? key : key.substr(std::min(key.size(), root.size() + 1)));
}


// The storage checks against the warehouse's store, as the session's queries see it.
void check_storage(Checks& checks, Session& session, const VerifyOptions& options) {
  const std::string warehouse = session.resolve_location("{warehouse}");
  std::shared_ptr<ObjectStore> store;
  std::string root;
  std::vector<ObjectInfo> objects;
  bool listed = checks.run("storage.list", [&] {
    if (warehouse.rfind("file://", 0) == 0) {
      // A missing local warehouse lists as empty; say what is wrong instead.
      std::error_code ec;
      std::string dir = warehouse.substr(7);
      if (!std::filesystem::is_directory(dir, ec)) {
        throw Error(ErrorCode::NotFound, dir,
                    "warehouse directory " + dir +
                        " does not exist: set NEURALAKE_WAREHOUSE or run `neuralake sample-data` to create it");
      }
    }
    auto resolved = session.resolve_store(warehouse);
    store = resolved.first;
    root = resolved.second;
    // Only the warehouse's top level: a large warehouse is not walked.
    size_t depth = root.empty() ? 1 : static_cast<size_t>(std::count(root.begin(), root.end(), '/')) + 2;
    objects = store->list_shallow(root.empty() ? "" : root + "/", depth);
    return "listed " + warehouse + " (" + plural(objects.size(), "object") + " at the top level)";
  });
  if (!listed) {
    checks.skip("storage.read", "the warehouse could not be listed");
    checks.skip("storage.write", "the warehouse could not be listed");
    checks.skip("storage.conditional_write", "the warehouse could not be listed");
    return;
  }
  if (objects.empty()) {
    checks.skip("storage.read", "no object at the warehouse's top level to read");
  } else {
    checks.run("storage.read", [&] {
      const ObjectInfo& first = objects.front();
      std::string head(std::min<uint64_t>(first.size, 64), '\0');
      size_t n = store->read_range(first.key, 0, head.size(), head.data());
      if (n != head.size())
        throw Error(ErrorCode::IOError, first.key, "read " + std::to_string(n) + " of " +
                                                       std::to_string(head.size()) + " bytes of " + first.key);
      return "read the first " + plural(n, "byte") + " of " + object_uri(warehouse, root, first.key);
    });
  }
  if (!options.write) {
    checks.skip("storage.write", "not requested (pass --write to write and delete a probe object)");
    checks.skip("storage.conditional_write", "not requested (pass --write to probe conditional writes)");
    return;
  }
  checks.run("storage.write", [&] {
    const std::string key = probe_key(root);
    const std::string body = "neuralake verify probe " + key + "\n";
    store->put(key, body);
    std::string back;
    try {
      back = store->read_all(key);
    } catch (...) {
      store->remove(key);
      throw;
    }
    store->remove(key);
    if (back != body) throw Error(ErrorCode::IOError, key, "probe object " + key + " read back different bytes");
    if (store->head(key)) throw Error(ErrorCode::IOError, key, "probe object " + key + " is still there after delete");
    return "wrote, read back and deleted " + object_uri(warehouse, root, key);
  });
  checks.run("storage.conditional_write", [&] {
    const std::string dir = probe_key(root);
    const std::string where = dir.substr(0, dir.rfind('/'));
    if (storage::probe_put_if_absent(*store, where)) {
      return std::string("conditional writes (If-None-Match: *) are honoured: concurrent Delta writers are safe");
    }
    if (session.options().config && session.options().config->s3.single_writer) {
      return std::string("conditional writes are NOT honoured; s3.single_writer = true: Delta commits assume one "
                         "writer per table at a time");
    }
    throw Error(ErrorCode::NotSupported, "s3.single_writer",
                "the store does not honour conditional writes (If-None-Match: *): Delta writes are refused unless "
                "s3.single_writer = true (NEURALAKE_S3_SINGLE_WRITER=true) says each table has one writer at a time");
  });
}

void check_tables(Checks& checks, Session& session, const Catalog& catalog) {
  for (const auto& db_name : catalog.database_names()) {
    for (const auto& table : catalog.db(db_name).tables()) {
      const std::string name = db_name + "." + table.name();
      bool resolved = checks.run("table " + name, [&] {
        Schema schema =
            session.describe("SELECT * FROM " + quote_identifier(db_name) + "." + quote_identifier(table.name()));
        return "schema read: " + plural(schema.size(), "column");
      });
      if (!resolved) {
        checks.skip("query " + name, "the table did not resolve");
        continue;
      }
      checks.run("query " + name, [&] {
        const Filters& filters = table.def().metadata.docs_filters;
        DataFrame df = session.table(db_name, table.name(), filters).limit(1).collect();
        return "sample query returned " + plural(df.num_rows(), "row") +
               (filters.empty() ? "" : " (with the table's docs filters)");
      });
    }
  }
}

}  // namespace

const char* to_string(CheckStatus status) noexcept {
  switch (status) {
    case CheckStatus::Pass: return "pass";
    case CheckStatus::Fail: return "fail";
    case CheckStatus::Skip: return "skip";
  }
  return "unknown";
}

size_t VerifyReport::count(CheckStatus status) const {
  size_t n = 0;
  for (const auto& c : checks) n += c.status == status ? 1 : 0;
  return n;
}

bool VerifyReport::ok(bool strict) const {
  return count(CheckStatus::Fail) == 0 && (!strict || count(CheckStatus::Skip) == 0);
}

VerifyReport verify(const Environment& env, const Catalog* catalog, const VerifyOptions& options) {
  VerifyReport report;
  Checks checks(report);

  std::optional<Config> config;
  checks.run("config", [&] {
    config = Config::resolve(env);
    return "profile " + config->profile + ", warehouse " + config->warehouse;
  });
  auto skip_rest = [&](const std::string& reason) {
    for (const char* name : {"credentials", "storage.list", "storage.read", "storage.write", "storage.conditional_write"}) checks.skip(name, reason);
    if (!catalog) return;
    for (const auto& db_name : catalog->database_names())
      for (const auto& table : catalog->db(db_name).tables()) {
        checks.skip("table " + db_name + "." + table.name(), reason);
        checks.skip("query " + db_name + "." + table.name(), reason);
      }
  };
  if (!config) {
    skip_rest("the configuration did not load");
    return report;
  }

  bool credentials_ok = true;
  if (!config->uses_s3()) {
    checks.skip("credentials", "not needed: the " + config->profile + " warehouse is not on S3");
  } else {
    credentials_ok = checks.run("credentials", [&] {
      s3::HttpOptions http;
      http.connect_timeout = config->s3.connect_timeout;
      http.request_timeout = config->s3.request_timeout;
      http.https_proxy = config->s3.https_proxy;
      http.http_proxy = config->s3.http_proxy;
      http.no_proxy = config->s3.no_proxy;
      http.ca_bundle = config->s3.ca_bundle;
      auto chain = s3::make_default_chain(*config, env, std::make_shared<s3::HttpClient>(http));
      // Only where they came from is reported, never a value.
      s3::TimedCredentials found = chain->get();
      return "resolved by the " + found.provider + " provider" +
             (found.expiration ? " (temporary)" : "");
    });
  }

  SessionOptions session_options =
      options.session ? *options.session : (catalog ? catalog->options() : SessionOptions{});
  session_options.warehouse = config->warehouse;
  session_options.config = config;
  std::unique_ptr<Session> session;
  try {
    session = catalog ? std::make_unique<Session>(*catalog, session_options) : std::make_unique<Session>(session_options);
  } catch (const Error& e) {
    checks.fail("session", e.what());
    for (const char* name : {"storage.list", "storage.read", "storage.write", "storage.conditional_write"})
      checks.skip(name, "no session could be opened");
    return report;
  }

  if (credentials_ok) {
    check_storage(checks, *session, options);
  } else {
    // Every storage request would fail the same way; say so once.
    for (const char* name : {"storage.list", "storage.read", "storage.write", "storage.conditional_write"})
      checks.skip(name, "no credentials to reach the warehouse with");
  }
  if (!catalog) {
    checks.skip("tables", "no catalog given (pass --catalog or set NEURALAKE_CATALOG)");
    return report;
  }
  check_tables(checks, *session, *catalog);
  return report;
}

}  // namespace neuralake

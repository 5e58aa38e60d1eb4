// A Delta writer killed with SIGKILL at random points, again and again: a
// writer process (tests/programs/delta_test_writer) appends batch k with the
// transaction ("crash", k) for k = 1..K, is killed at 20 random moments and
// restarted each time from the batch it was on, with the same transaction
// version. Meanwhile a reader queries the table in a loop and must never fail
// and only ever see whole batches, 1..m with m never going back. At the end
// every batch is there exactly once, version k holds batch k, and
// `neuralake delta history` lists versions K..0 without a gap. Orphaned data
// files of killed writes are allowed (a vacuum's job).
//
// Where each kill landed is judged afterwards from what it left (a temp file
// of a data file, a finished data file no commit names, a temp file in the
// log, a batch committed but not reported) and printed; which phases are hit
// is random, so only the outcome is asserted, never a timing.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neuralake/delta_writer.h"
#include "neuralake/session.h"
#include "testing/cli_process.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace nlt = neuralake::testing;
namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kBatches = 50;          // K
constexpr int kKills = 20;
constexpr long kRows = 20000;         // per batch: one data file of about 80 KB
constexpr int kCheckpointInterval = 10;

std::map<std::string, std::string> clean_env() {
  return {{"NEURALAKE_ENV", ""}, {"NEURALAKE_CONFIG", ""}, {"NEURALAKE_WAREHOUSE", ""},
          {"AWS_EC2_METADATA_DISABLED", "true"}};
}

std::string output_of(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("cli_out", 0) == 0) return nlt::read_file(e.path());
  return "";
}

// What the table folder holds, by kind.
struct Listing {
  std::set<std::string> data_files;   // finished .parquet files outside the log
  std::set<std::string> data_temps;   // temp files of data files being written
  std::set<std::string> log_temps;    // temp files in _delta_log (a commit or checkpoint being written)
  std::set<std::string> log_files;    // everything else in _delta_log
};

Listing list_table(const fs::path& root) {
  Listing l;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), root).string();
    const bool in_log = rel.rfind("_delta_log/", 0) == 0;
    const bool temp = rel.find(".nltmp-") != std::string::npos;
    if (in_log) (temp ? l.log_temps : l.log_files).insert(rel);
    else if (temp) l.data_temps.insert(rel);
    else if (rel.size() > 8 && rel.compare(rel.size() - 8, 8, ".parquet") == 0) l.data_files.insert(rel);
  }
  return l;
}

// The commits of the log: version -> (txn version of app "crash", add paths).
struct LogEntry {
  int64_t txn_version = -1;
  std::vector<std::string> adds;
  std::string txn_id;
};

std::map<int64_t, LogEntry> read_log(const fs::path& root) {
  std::map<int64_t, LogEntry> out;
  for (const auto& e : fs::directory_iterator(root / "_delta_log")) {
    const std::string name = e.path().filename().string();
    if (name.size() != 25 || name.compare(20, 5, ".json") != 0 || name.find_first_not_of("0123456789") != 20)
      continue;
    LogEntry entry;
    std::istringstream text(nlt::read_file(e.path()));
    std::string line;
    while (std::getline(text, line)) {
      if (line.empty()) continue;
      json j = json::parse(line);
      if (j.contains("txn") && j["txn"]["appId"] == "crash") entry.txn_version = j["txn"]["version"].get<int64_t>();
      if (j.contains("add")) entry.adds.push_back(j["add"]["path"].get<std::string>());
      if (j.contains("commitInfo")) entry.txn_id = j["commitInfo"].value("txnId", "");
    }
    out[std::stoll(name.substr(0, 20))] = std::move(entry);
  }
  return out;
}

std::set<std::string> committed_files(const std::map<int64_t, LogEntry>& log) {
  std::set<std::string> files;
  for (const auto& [v, e] : log) files.insert(e.adds.begin(), e.adds.end());
  return files;
}

// The reader: queries the table in a loop, each time with delta_staleness = 0
// and every tenth time in a fresh session, and records anything wrong.
class Reader {
 public:
  explicit Reader(std::string uri) : uri_(std::move(uri)), thread_([this] { run(); }) {}
  ~Reader() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<std::string> problems() const {
    std::lock_guard lock(mu_);
    return problems_;
  }
  int reads() const { return reads_; }
  int distinct_states() const { return static_cast<int>(states_.size()); }

 private:
  void problem(const std::string& p) {
    std::lock_guard lock(mu_);
    if (problems_.size() < 20) problems_.push_back(p);
  }
  void run() {
    nl::SessionOptions o;
    o.delta_staleness = std::chrono::milliseconds(0);
    o.threads = 1;
    std::unique_ptr<nl::Session> session;
    int64_t seen = 0;  // batches seen by the last read
    for (int n = 0; !stop_; ++n) {
      if (n % 10 == 0) session = std::make_unique<nl::Session>(o);
      try {
        auto df = session->sql("SELECT i, count(*), sum(j)::BIGINT, min(j), max(j) FROM delta_scan('" + uri_ +
                               "') GROUP BY i ORDER BY i");
        const int64_t m = static_cast<int64_t>(df.num_rows());
        for (int64_t r = 0; r < m; ++r) {
          const int64_t batch = df.value(r, 0).as<int64_t>();
          if (batch != r + 1) {
            problem("read " + std::to_string(n) + ": batch " + std::to_string(batch) + " where " +
                    std::to_string(r + 1) + " was expected (a batch missing or out of order)");
            break;
          }
          if (df.value(r, 1).as<int64_t>() != kRows || df.value(r, 2).as<int64_t>() != kRows * (kRows - 1) / 2 ||
              df.value(r, 3).as<int64_t>() != 0 || df.value(r, 4).as<int64_t>() != kRows - 1) {
            problem("read " + std::to_string(n) + ": batch " + std::to_string(batch) + " has " +
                    std::to_string(df.value(r, 1).as<int64_t>()) + " rows (j summing to " +
                    std::to_string(df.value(r, 2).as<int64_t>()) + "), not the whole batch of " +
                    std::to_string(kRows));
          }
        }
        if (m < seen) {
          problem("read " + std::to_string(n) + " saw " + std::to_string(m) + " batches after " + std::to_string(seen));
        }
        seen = m;
        states_.insert(m);
        ++reads_;
      } catch (const std::exception& e) {
        problem("read " + std::to_string(n) + " failed: " + e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::string uri_;
  std::atomic<bool> stop_{false};
  std::atomic<int> reads_{0};
  std::set<int64_t> states_;  // the reader thread's own
  mutable std::mutex mu_;
  std::vector<std::string> problems_;
  std::thread thread_;  // last: starts after the rest is made
};

}  // namespace

TEST(DeltaCrash, AWriterKilledTwentyTimesCommitsEveryBatchOnceAndReadersSeeOnlyWholeBatches) {
  nlt::TempDir dir;
  const fs::path root = dir.path() / "t";
  const std::string uri = "file://" + root.string();
  {
    nl::Session session;
    nl::DeltaWriter writer(session, uri);
    nl::DeltaCreateOptions create;
    create.properties = {{"delta.checkpointInterval", std::to_string(kCheckpointInterval)}};
    ASSERT_EQ(writer.create({{"w", nl::DataType::int32()}, {"i", nl::DataType::int32()}, {"j", nl::DataType::int32()}},
                            create)
                  .version,
              0);
  }

  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::printf("[ seed %u ]\n", seed);
  Reader reader(uri);

  std::map<std::string, int> landed;  // where the kills landed, judged from what they left
  std::vector<double> batch_ms;       // append latencies the writer reported
  int kills = 0, runs = 0, skipped_restarts = 0;
  long next = 1;
  Listing before = list_table(root);
  while (next <= kBatches) {
    const fs::path run_dir = dir.path() / ("run" + std::to_string(runs++));
    fs::create_directories(run_dir);
    nlt::CliProcess writer(DELTA_TEST_WRITER,
                           {uri, "--first", std::to_string(next), "--count", std::to_string(kBatches - next + 1),
                            "--rows", std::to_string(kRows), "--txn-app-id", "crash"},
                           clean_env(), run_dir);
    const bool kill_this_one = kills < kKills;
    if (kill_this_one) {
      // Killed within about the next four batches after its session is up.
      const auto ready_deadline = Clock::now() + std::chrono::seconds(120);
      while (output_of(run_dir).find("ready\n") == std::string::npos && Clock::now() < ready_deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      double typical = 40;
      if (!batch_ms.empty()) {
        std::vector<double> v = batch_ms;
        std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
        typical = v[v.size() / 2];
      }
      std::uniform_real_distribution<double> delay(0, 4 * typical);
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(delay(rng) * 1000)));
      ::kill(writer.pid(), SIGKILL);
    }
    nlt::CliOutcome out = writer.wait(std::chrono::seconds(300));
    const bool killed = !out.exited && out.code == SIGKILL;
    if (!killed) {
      ASSERT_TRUE(out.exited && out.code == 0) << "the writer failed: " << out.err;
    }

    long reported = next - 1;
    std::istringstream lines(out.out);
    std::string line;
    while (std::getline(lines, line)) {
      long batch = 0;
      long long version = 0, micros = 0;
      int attempts = 0, skipped = 0;
      if (std::sscanf(line.c_str(), "batch %ld version %lld attempts %d skipped %d micros %lld", &batch, &version,
                      &attempts, &skipped, &micros) != 5)
        continue;
      EXPECT_EQ(batch, reported + 1) << line;
      reported = batch;
      if (skipped) {
        ++skipped_restarts;  // committed by the run killed before it could say so
        EXPECT_EQ(batch, next) << "only the batch a killed run was on can have been committed already: " << line;
      } else {
        EXPECT_EQ(version, batch) << "batch " << batch << " committed as version " << version;
        batch_ms.push_back(static_cast<double>(micros) / 1000.0);
      }
    }

    if (killed) {
      ++kills;
      Listing after = list_table(root);
      auto log = read_log(root);
      const auto committed = committed_files(log);
      auto is_new = [](const std::set<std::string>& now, const std::set<std::string>& then) {
        for (const auto& f : now)
          if (!then.count(f)) return true;
        return false;
      };
      bool orphan = false;
      for (const auto& f : after.data_files)
        if (!before.data_files.count(f) && !committed.count(f)) orphan = true;
      const int64_t latest = log.empty() ? 0 : log.rbegin()->first;
      bool checkpoint_temp = false;
      for (const auto& f : after.log_temps)
        if (!before.log_temps.count(f) && f.find("checkpoint") != std::string::npos) checkpoint_temp = true;
      std::string where;
      if (checkpoint_temp) {
        where = "while writing a checkpoint";
      } else if (latest > reported) {
        where = latest % kCheckpointInterval == 0 ? "after a commit due a checkpoint, before reporting it"
                                                  : "after a commit, before reporting it";
      } else if (is_new(after.log_temps, before.log_temps)) {
        where = "while writing a commit";
      } else if (is_new(after.data_temps, before.data_temps)) {
        where = "while writing a data file";
      } else if (orphan) {
        where = "between a finished data file and its commit";
      } else {
        where = "before writing (reading the log, planning)";
      }
      ++landed[where];
      before = std::move(after);
    }
    next = reported + 1;
  }
  reader.stop();

  // The kills happened and the reader never saw anything but whole batches.
  EXPECT_EQ(kills, kKills);
  for (const auto& p : reader.problems()) ADD_FAILURE() << "reader: " << p;
  EXPECT_GT(reader.reads(), 0);

  // The log: versions 0..K, version k is batch k with one file, no txnId twice.
  auto log = read_log(root);
  ASSERT_EQ(log.size(), static_cast<size_t>(kBatches + 1));
  std::set<std::string> txn_ids;
  for (int64_t v = 0; v <= kBatches; ++v) {
    ASSERT_TRUE(log.count(v)) << "no version " << v;
    EXPECT_TRUE(txn_ids.insert(log[v].txn_id).second) << "version " << v << " repeats txnId " << log[v].txn_id;
    if (v == 0) continue;
    EXPECT_EQ(log[v].txn_version, v) << "version " << v << " holds another batch";
    EXPECT_EQ(log[v].adds.size(), 1u) << "version " << v;
  }

  // The table: every batch once, whole.
  nl::SessionOptions o;
  o.delta_staleness = std::chrono::milliseconds(0);
  nl::Session session(o);
  auto df = session.sql("SELECT count(*), count(DISTINCT (i, j)), count(DISTINCT i), min(i), max(i) FROM delta_scan('" +
                        uri + "')");
  EXPECT_EQ(df.value(0, 0).as<int64_t>(), kBatches * kRows);
  EXPECT_EQ(df.value(0, 1).as<int64_t>(), kBatches * kRows);
  EXPECT_EQ(df.value(0, 2).as<int64_t>(), kBatches);
  EXPECT_EQ(df.value(0, 3).as<int64_t>(), 1);
  EXPECT_EQ(df.value(0, 4).as<int64_t>(), kBatches);

  // `neuralake delta history`: versions K..0, newest first, no gap.
  nlt::CliOutcome history = nlt::run_cli(NEURALAKE_CLI, {"delta", "history", root.string(), "--format", "csv"},
                                         clean_env(), dir.path());
  ASSERT_EQ(history.code, 0) << history.err;
  std::istringstream rows(history.out);
  std::string row;
  std::getline(rows, row);  // the header
  std::vector<int64_t> versions;
  while (std::getline(rows, row))
    if (!row.empty()) versions.push_back(std::stoll(row.substr(0, row.find(','))));
  ASSERT_EQ(versions.size(), static_cast<size_t>(kBatches + 1)) << history.out;
  for (size_t k = 0; k < versions.size(); ++k) EXPECT_EQ(versions[k], kBatches - static_cast<int64_t>(k));

  // What the kills left and where they landed (reported, not asserted: random).
  Listing end = list_table(root);
  const auto committed = committed_files(log);
  size_t orphans = 0;
  for (const auto& f : end.data_files) orphans += committed.count(f) ? 0 : 1;
  size_t checkpoints = 0;
  for (const auto& f : end.log_files) checkpoints += f.find(".checkpoint.") != std::string::npos ? 1 : 0;
  std::vector<double> v = batch_ms;
  std::sort(v.begin(), v.end());
  std::printf("[ %d kills over %d runs; %d restarts found their batch already committed; reader: %d reads, %d "
              "distinct table states, no problem %s ]\n",
              kills, runs, skipped_restarts, reader.reads(), reader.distinct_states(),
              reader.problems().empty() ? "seen" : "NOT seen");
  std::printf("[ left behind: %zu orphaned data files, %zu data temp files, %zu log temp files; %zu checkpoint files; "
              "append p50 %.1f ms ]\n",
              orphans, end.data_temps.size(), end.log_temps.size(), checkpoints, v.empty() ? 0.0 : v[v.size() / 2]);
  for (const auto& [where, n] : landed) std::printf("[ killed %s: %d ]\n", where.c_str(), n);
}

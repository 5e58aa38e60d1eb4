// ResultPreview prints, from batches, exactly what the whole result prints.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "neuralake/error.h"
#include "neuralake/result_preview.h"

namespace nl = neuralake;

namespace {

// Rows with an id, a string whose width varies (so column widths depend on
// which rows are shown) and some nulls.
nl::DataFrame rows(int64_t from, int64_t to) {
  std::vector<std::optional<int64_t>> ids;
  std::vector<std::optional<std::string>> names;
  for (int64_t i = from; i < to; ++i) {
    ids.push_back(i % 7 == 3 ? std::nullopt : std::optional<int64_t>(i * 1000));
    names.push_back(i % 5 == 0 ? std::nullopt : std::optional<std::string>(std::string(static_cast<size_t>(i % 13), 'x')));
  }
  return nl::DataFrame::from_columns({nl::Series("id", ids), nl::Series("name", names)});
}

// The preview of `total` rows fed in batches of `batch` rows.
std::string preview(int64_t total, int64_t batch, size_t max_rows) {
  nl::ResultPreview p(rows(0, 0).schema(), max_rows);
  for (int64_t at = 0; at < total; at += batch) p.add(rows(at, std::min(total, at + batch)));
  EXPECT_EQ(p.total_rows(), static_cast<uint64_t>(total));
  return p.to_string();
}

std::string whole(int64_t total, size_t max_rows) {
  nl::FormatOptions o;
  o.max_rows = max_rows;
  return rows(0, total).to_string(o);
}

}  // namespace

TEST(ResultPreview, PrintsWhatTheWholeResultPrints) {
  for (int64_t total : {0, 1, 3, 4, 5, 9, 10, 11, 100, 1000}) {
    for (int64_t batch : {1, 2, 3, 7, 64, 5000}) {
      for (size_t max_rows : {0u, 1u, 4u, 5u, 10u}) {
        EXPECT_EQ(preview(total, batch, max_rows), whole(total, max_rows))
            << total << " rows in batches of " << batch << ", max_rows " << max_rows;
      }
    }
  }
}

TEST(ResultPreview, ShapeCountsEveryRowWhileHoldingFew) {
  const std::string text = preview(2'500'000, 65536, 10);
  EXPECT_NE(text.find("shape: (2_500_000, 2)"), std::string::npos) << text;
}

TEST(ResultPreview, ABatchOfOtherColumnsIsRefusedByName) {
  nl::ResultPreview p(rows(0, 0).schema(), 10);
  p.add(rows(0, 3));
  const auto other = nl::DataFrame::from_columns({nl::Series("id", std::vector<int64_t>{1}),
                                                  nl::Series("label", std::vector<std::string>{"a"})});
  try {
    p.add(other);
    FAIL() << "a batch with a column 'label' where the schema has 'name' was taken";
  } catch (const nl::Error& e) {
    EXPECT_EQ(e.code(), nl::ErrorCode::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("label"), std::string::npos) << e.what();
  }
}

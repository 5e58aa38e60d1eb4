// A query's whole result as text, for tests that compare results of two
// plans: every row, column, character and list item printed.
#pragma once

#include <string>

#include "neuralake/neuralake.h"

namespace neuralake::testing {

inline std::string all_rows(const DataFrame& frame) {
  FormatOptions f;
  f.max_rows = 1000000;
  f.max_columns = 100;
  f.table_width = 100000;
  f.max_string_len = 1000;
  f.max_list_items = 1000;
  return frame.to_string(f);
}

inline std::string all_rows(Session& session, const std::string& sql) { return all_rows(session.sql(sql)); }

}  // namespace neuralake::testing

// What an export of the catalog for another engine produces: the file's text
// and, per table, what was left out or needs the reader's attention.
#pragma once

#include <string>
#include <vector>

namespace neuralake::cli {

// A remark about one table, named "db.table".
struct TableNote {
  std::string table;
  std::string text;
};

struct ExportResult {
  std::string text;               // the whole file
  std::vector<std::string> statements;  // SQL exports: each statement of `text`, without its ';'
  std::vector<TableNote> skipped;  // tables left out, with the reason (also written as comments in `text`)
  std::vector<TableNote> notes;    // tables exported with a caveat (also written as comments in `text`)
};

}  // namespace neuralake::cli

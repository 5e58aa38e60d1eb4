// CSV and JSON Lines writers over whole frames, through the batch renderings
// the API server streams (encode/row_text.h).
#include "frame_writers.h"

#include <ostream>
#include <string>

#include "encode/row_text.h"

namespace neuralake::cli {

void write_csv(std::ostream& out, const DataFrame& df) {
  write_csv_header(out, df.column_names());
  write_csv_rows(out, df);
}

void write_csv_header(std::ostream& out, const std::vector<std::string>& names) {
  std::string text;
  append_csv_header(text, names);
  out << text;
}

void write_csv_rows(std::ostream& out, const DataFrame& batch) {
  for_each_csv_piece(batch, [&](std::string_view text) { out << text; });
}

void write_json_lines(std::ostream& out, const DataFrame& df) {
  std::vector<std::string> keys = json_keys(df.column_names());
  std::string text;
  for (size_t r = 0; r < df.num_rows(); ++r) {
    append_json_object(text, df, r, keys);
    text += '\n';
    if (text.size() > (1u << 20)) {
      out << text;
      text.clear();
    }
  }
  out << text;
}

}  // namespace neuralake::cli

// CSV and JSON Lines writers over whole frames, through the batch renderings
// the API server streams (encode/row_text.h).
#include "frame_writers.h"

#include <ostream>
#include <string>

#include "encode/row_text.h"

namespace neuralake::cli {

void write_csv(std::ostream& out, const DataFrame& df) {
  std::string text;
  append_csv_header(text, df.column_names());
  append_csv_rows(text, df);
  out << text;
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

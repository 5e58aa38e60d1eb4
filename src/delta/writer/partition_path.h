// Where a Delta writer puts a data file: Hive-style partition directories
// ("k=v/…", escaped as Spark escapes them, "__HIVE_DEFAULT_PARTITION__" for
// null) and the add.path that names the file in the log (RFC 2396-encoded,
// so a "%20" in a directory name becomes "%2520").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace neuralake::delta {

inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// A partition directory name or value escaped as Hive and Spark escape path
// names: control characters, space and "#%'*/:=?\{[]^ and DEL become %XX;
// other bytes (non-ASCII included) stay.
std::string hive_escape(std::string_view s);

// "a=1/b=x%20y" for columns `names` and serialized values `values` (nullopt
// or empty: null, written as __HIVE_DEFAULT_PARTITION__). No trailing '/'.
std::string partition_directory(const std::vector<std::string>& names,
                                const std::vector<std::optional<std::string>>& values);

// A relative path as add.path holds it: '%', space and the characters RFC 2396
// does not allow in a path are percent-encoded; '/' and non-ASCII bytes stay
// (as Hadoop's Path.toUri() leaves them).
std::string encode_log_path(std::string_view relative_path);

// A data file name as Spark names them: "part-00003-<uuid>.c000.snappy.parquet"
// (".parquet" alone for uncompressed files).
std::string data_file_name(int index, std::string_view uuid, std::string_view codec);

// A random (version 4) UUID, "8-4-4-4-12" lowercase hex.
std::string random_uuid();

}  // namespace neuralake::delta

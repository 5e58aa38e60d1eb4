// The DeltaTable declaration: a file table whose files come from a Delta log;
// the session reads it through delta_scan (src/engine/delta_scan.cpp).
#include "neuralake/delta.h"
#include "neuralake/error.h"

namespace neuralake {

Table DeltaTable(std::string name, std::string location) {
  if (location.empty()) throw Error(ErrorCode::InvalidArgument, name, "table '" + name + "' has an empty location");
  TableDef def;
  def.name = std::move(name);
  def.kind = table_kind::delta;
  def.location = std::move(location);
  return Table(std::move(def));
}

}  // namespace neuralake

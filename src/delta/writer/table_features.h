// Which tables this writer may write, and the protocol a table it creates
// needs ("Table Features" and the writer-version sections of the protocol).
#pragma once

#include <map>
#include <string>

#include "delta/schema.h"
#include "delta/snapshot.h"

namespace neuralake::delta {

// Throws NotSupported naming the first feature of `snap` this writer does not
// implement: column mapping, deletion vectors, row tracking, generated or
// identity columns, CHECK constraints (a delta.constraints.* property),
// invariants present on a field, or any writer feature it does not know.
// With `overwrite`, a table with delta.appendOnly=true is refused too
// (InvalidArgument naming the property). `table` names the table.
void check_writable(const Snapshot& snap, bool overwrite, const std::string& table);

// Checks the properties of a table being created: values of the ones this
// writer interprets, and refuses (NotSupported, named) properties that enable
// a feature it cannot write.
void check_new_table_properties(const std::map<std::string, std::string>& properties, const std::string& table);

// The lowest protocol a table of `schema` and `properties` needs: reader 1 /
// writer 2, or reader 3 / writer 7 with the timestampNtz feature (plus
// appendOnly and changeDataFeed when their properties are set) when a column
// is timestamp_ntz. As an action line: {"protocol":{...}}.
Protocol protocol_for(const DeltaSchema& schema, const std::map<std::string, std::string>& properties);
std::string protocol_action(const Protocol& p);

// Whether `have` already allows everything `need` asks (versions and features).
bool protocol_covers(const Protocol& have, const Protocol& need);

// delta.checkpointInterval (default 10), delta.appendOnly.
int checkpoint_interval(const std::map<std::string, std::string>& configuration);
bool append_only(const std::map<std::string, std::string>& configuration);

}  // namespace neuralake::delta

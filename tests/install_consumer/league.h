// The consumer's catalog: database "league" with one table computed by a
// function, shared by the program and the plugin.
#pragma once

#include "neuralake/catalog.h"

namespace league {

// league.scores: team (str), points (i64); blue 3 and 4, green 5.
neuralake::Catalog make_catalog();

}  // namespace league

// The consumer's catalog as a plugin for the installed `neuralake` CLI.
#include "league.h"
#include "neuralake/plugin.h"

NEURALAKE_CATALOG_PLUGIN(league::make_catalog)

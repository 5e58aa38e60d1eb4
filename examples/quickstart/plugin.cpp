// The quickstart catalog as a plugin: neuralake --catalog libquickstart_catalog.so tables
#include "my_catalog.h"
#include "neuralake/plugin.h"

NEURALAKE_CATALOG_PLUGIN(quickstart::make_catalog)

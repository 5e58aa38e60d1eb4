// The quickstart's catalog (the blueprint's my_catalog.py).
#pragma once

#include "neuralake/catalog.h"

namespace quickstart {

// Database "tpch" with tables part and supplier, over the warehouse chosen by
// the environment (NEURALAKE_WAREHOUSE, default ./warehouse).
neuralake::Catalog make_catalog();

}  // namespace quickstart

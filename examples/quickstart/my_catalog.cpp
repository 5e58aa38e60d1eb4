// The quickstart's catalog: one database, two tables from two kinds of source.
#include "my_catalog.h"

#include "my_tables.h"

namespace quickstart {

neuralake::Catalog make_catalog() {
  return neuralake::Catalog(
             {{"tpch", neuralake::Database({part(), supplier()}, "A small slice of TPC-H for the quickstart")}})
      .named("quickstart");
}

}  // namespace quickstart

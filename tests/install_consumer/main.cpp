// The install test's consumer program: its catalog queried with SQL and
// printed, using only the installed headers and library.
#include <iostream>

#include "league.h"
#include "neuralake/neuralake.h"

namespace nl = neuralake;

int main() {
  try {
    nl::Catalog catalog = league::make_catalog();
    nl::Session session(catalog, catalog.options());
    std::cout << session.sql("SELECT team, sum(points)::BIGINT AS total FROM league.scores GROUP BY team ORDER BY team")
              << "\n";
    return 0;
  } catch (const nl::Error& e) {
    std::cerr << "app: " << e.what() << "\n";
    return 1;
  }
}

// The consumer's catalog, declared in code against the installed headers.
#include "league.h"

#include "neuralake/neuralake.h"

namespace nl = neuralake;

namespace league {

nl::Catalog make_catalog() {
  auto scores = nl::FunctionTable("scores", [](const nl::ScanRequest&) {
                  return nl::DataFrame::from_columns({
                      nl::Series("team", std::vector<std::string>{"blue", "green", "blue"}),
                      nl::Series("points", std::vector<int64_t>{3, 5, 4}),
                  });
                }).describe("Points per match, computed in C++");
  return nl::Catalog({{"league", nl::Database({scores})}});
}

}  // namespace league

// A catalog plugin whose factory fails, to check that the error's code and
// message cross the plugin's C boundary intact.
#include <stdexcept>

#include "neuralake/plugin.h"

namespace {

neuralake::Catalog make_catalog() {
#ifdef NEURALAKE_TEST_THROW_STD
  // Not a neuralake::Error: arrives as Internal, message kept.
  throw std::runtime_error("catalog factory could not parse catalog.yaml");
#else
  throw neuralake::Error(neuralake::ErrorCode::PermissionDenied, "s3://secret-bucket/tables",
                         "cannot list 's3://secret-bucket/tables': access denied");
#endif
}

}  // namespace

NEURALAKE_CATALOG_PLUGIN(make_catalog)

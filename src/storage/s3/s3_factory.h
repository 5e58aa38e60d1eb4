// Hooks s3:// into a StoreRegistry: stores made on first use of a bucket from
// the resolved Config and the standard credential chain.
#pragma once

#include <memory>

#include "neuralake/config.h"

namespace neuralake {
class StoreRegistry;
}

namespace neuralake::s3 {

// Registers the "s3" factory on `registry`. Each "s3://bucket" store is made
// when first resolved, with endpoint, region, addressing, proxies and retries
// from `config` and credentials from the chain over `env`.
void add_s3_factory(StoreRegistry& registry, std::shared_ptr<const Config> config, Environment env);

}  // namespace neuralake::s3

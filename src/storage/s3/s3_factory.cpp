// The s3 factory of a StoreRegistry: one S3Store per bucket, built from Config.
#include "storage/s3/s3_factory.h"

#include "storage/read_cache.h"
#include "storage/s3/s3_store.h"
#include "storage/store_registry.h"

namespace neuralake::s3 {

void add_s3_factory(StoreRegistry& registry, std::shared_ptr<const Config> config, Environment env) {
  registry.add_factory("s3", [config = std::move(config), env = std::move(env)](const std::string& store_uri) {
    auto store = std::static_pointer_cast<ObjectStore>(make_s3_store(s3_options_from_config(*config, env, store_uri)));
    if (config->s3.read_cache_bytes == 0) return store;
    return storage::make_read_cache(std::move(store), {.max_bytes = config->s3.read_cache_bytes});
  });
}

}  // namespace neuralake::s3

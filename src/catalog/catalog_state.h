// The immutable state behind a Catalog handle, plus its lazily made default session.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "neuralake/catalog.h"
#include "neuralake/session.h"

namespace neuralake {

struct CatalogState {
  std::vector<Database> databases;
  std::unordered_map<std::string, size_t> database_index;  // name -> position in databases
  SessionOptions options;
  mutable std::once_flag session_once;
  mutable std::shared_ptr<Session> session;
};

}  // namespace neuralake

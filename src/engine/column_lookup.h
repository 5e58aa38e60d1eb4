// Finding a column by the name a user wrote: the exact name first, else the
// one name that matches ignoring ASCII case (Delta and SQL column names are
// case-insensitive). Shared by the Delta writer's schema matching and its
// replaceWhere conditions.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace neuralake::engine {

// A pointer to the element of `columns` whose `.name` is `name`, or nullptr.
template <class Columns>
auto find_column(const Columns& columns, const std::string& name) -> decltype(&*std::begin(columns)) {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  const auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  for (const auto& c : columns) {
    if (c.name.size() == name.size() && std::equal(c.name.begin(), c.name.end(), name.begin(), same)) return &c;
  }
  return nullptr;
}

}  // namespace neuralake::engine

#include "engine/rewrites/huge_pages.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace neuralake::engine::rewrites {
namespace {

// The value of `name` in a GLIBC_TUNABLES string; the last one wins, as in glibc.
std::string_view tunable(std::string_view tunables, std::string_view name) {
  std::string_view value;
  while (!tunables.empty()) {
    const size_t end = tunables.find(':');
    const std::string_view entry = tunables.substr(0, end);
    const size_t eq = entry.find('=');
    if (eq != std::string_view::npos && entry.substr(0, eq) == name) value = entry.substr(eq + 1);
    if (end == std::string_view::npos) break;
    tunables.remove_prefix(end + 1);
  }
  return value;
}

}  // namespace

bool large_allocations_use_huge_pages(std::string_view thp_enabled, std::string_view glibc_tunables) {
  if (thp_enabled.find("[always]") != std::string_view::npos) return true;
  if (thp_enabled.find("[madvise]") == std::string_view::npos) return false;
  const std::string_view hugetlb = tunable(glibc_tunables, "glibc.malloc.hugetlb");
  return hugetlb == "1" || hugetlb == "2";
}

bool large_allocations_use_huge_pages() {
  static const bool answer = [] {
    std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
    const std::string mode((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    return large_allocations_use_huge_pages(mode, tunables ? tunables : "");
  }();
  return answer;
}

}  // namespace neuralake::engine::rewrites

// Whether large allocations from the C++ heap are backed by transparent huge
// pages in this process: read from what the system and the user chose, never
// changed here. DuckDB allocates a perfect hash aggregate's tables with
// new[]; glibc maps one over 32 MiB afresh each time, so every query faults it
// in, 4 KiB page by page unless huge pages (2 MiB) back it.
#pragma once

#include <string_view>

namespace neuralake::engine::rewrites {

// `thp_enabled` is /sys/kernel/mm/transparent_hugepage/enabled (the mode in
// brackets: "always [madvise] never"); `glibc_tunables` is the GLIBC_TUNABLES
// environment variable glibc read at start ("name=value:name=value"). True
// when the mode is "always", or "madvise" and glibc is told to advise its
// allocations (glibc.malloc.hugetlb=1, or 2 for hugetlbfs pages).
bool large_allocations_use_huge_pages(std::string_view thp_enabled, std::string_view glibc_tunables);

// The same for this process, read once.
bool large_allocations_use_huge_pages();

}  // namespace neuralake::engine::rewrites

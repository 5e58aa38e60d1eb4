// When aggregate_sizing may give a perfect hash aggregate tables over 32 MiB:
// only where huge pages back large allocations, as the system's THP mode and
// the user's GLIBC_TUNABLES say.
#include <gtest/gtest.h>

#include "engine/rewrites/huge_pages.h"

using neuralake::engine::rewrites::large_allocations_use_huge_pages;

TEST(HugePages, AlwaysModeBacksEveryLargeAllocation) {
  EXPECT_TRUE(large_allocations_use_huge_pages("[always] madvise never\n", ""));
  EXPECT_TRUE(large_allocations_use_huge_pages("[always] madvise never\n", "glibc.malloc.hugetlb=0"));
}

TEST(HugePages, MadviseModeNeedsGlibcToAdvise) {
  const char* mode = "always [madvise] never\n";
  EXPECT_FALSE(large_allocations_use_huge_pages(mode, ""));
  EXPECT_TRUE(large_allocations_use_huge_pages(mode, "glibc.malloc.hugetlb=1"));
  EXPECT_TRUE(large_allocations_use_huge_pages(mode, "glibc.malloc.hugetlb=2"));
  EXPECT_TRUE(large_allocations_use_huge_pages(mode, "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"));
  EXPECT_FALSE(large_allocations_use_huge_pages(mode, "glibc.malloc.hugetlb=0"));
  EXPECT_FALSE(large_allocations_use_huge_pages(mode, "glibc.malloc.hugetlb=1:glibc.malloc.hugetlb=0"))
      << "the last setting wins";
  EXPECT_FALSE(large_allocations_use_huge_pages(mode, "glibc.malloc.hugetlb=10"));
  EXPECT_FALSE(large_allocations_use_huge_pages(mode, "xglibc.malloc.hugetlb=1"));
  EXPECT_FALSE(large_allocations_use_huge_pages(mode, "glibc.malloc.mmap_threshold=4294967295"));
}

TEST(HugePages, NeverModeOrNoThpNeverDoes) {
  EXPECT_FALSE(large_allocations_use_huge_pages("always madvise [never]\n", "glibc.malloc.hugetlb=1"));
  EXPECT_FALSE(large_allocations_use_huge_pages("", "glibc.malloc.hugetlb=1")) << "a kernel without THP";
}

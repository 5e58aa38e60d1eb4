// Memory for a snapshot's bulk storage taken straight from the OS: freed
// pages go back at once and untouched capacity costs nothing, so the process's
// resident memory follows the snapshots it holds, not the allocator's caches.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>

namespace neuralake::delta {

// `bytes` of zeroed, page-aligned memory; `populate` maps every page at once
// (cheaper than a fault per page, for memory about to be filled). Throws
// std::bad_alloc.
inline void* allocate_pages(size_t bytes, bool populate = false) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0),
                 -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

inline void free_pages(void* p, size_t bytes) {
  if (p) munmap(p, bytes);
}

// An allocator for large arrays (a segment's file entries): blocks of 64 KiB
// or more come from allocate_pages(), smaller ones from operator new.
template <class T>
struct PageAllocator {
  using value_type = T;
  static constexpr size_t kPagesFrom = 64 * 1024;

  PageAllocator() = default;
  template <class U>
  PageAllocator(const PageAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes >= kPagesFrom) return static_cast<T*>(allocate_pages(bytes));
    return static_cast<T*>(::operator new(bytes));
  }
  void deallocate(T* p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
    if (bytes >= kPagesFrom) {
      free_pages(p, bytes);
    } else {
      ::operator delete(p);
    }
  }
  template <class U>
  bool operator==(const PageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace neuralake::delta

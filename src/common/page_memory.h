// Memory taken straight from the OS, for a snapshot's bulk storage and for
// large transient buffers (decompressed Parquet pages): freed pages go back
// at once and untouched capacity costs nothing, so the process's resident
// memory follows what it holds, not the allocator's caches.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace neuralake {

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

// Maps the pages of [p, p + bytes) writable in one call, for memory about to
// be written in full (a freshly reserved buffer): a page fault per 4 KiB page
// costs several times more. Contents are unchanged, pages already mapped are
// left as they are, and where the kernel lacks MADV_POPULATE_WRITE (before
// Linux 5.14) the pages are simply faulted in as they are written.
inline void populate_pages(const void* p, size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  constexpr uintptr_t kPage = 4096;
  if (bytes < 16 * kPage) return;  // a few faults cost less than the call
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kPage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  (void)p, (void)bytes;
#endif
}

// Transient memory of `bytes`, for data about to be written over in full (no
// zero-filling by the caller needed): from 2 MiB on, huge pages are advised,
// so that filling 30 MB costs a few dozen page faults rather than thousands.
inline void* allocate_scratch_pages(size_t bytes) {
  void* p = allocate_pages(bytes);
  if (bytes >= (size_t{2} << 20)) madvise(p, bytes, MADV_HUGEPAGE);  // advice: ignored where unsupported
  return p;
}

// A byte buffer whose contents are not initialised: small ones from the
// heap, large ones from allocate_scratch_pages(). Movable, not copyable.
class RawBuffer {
 public:
  static constexpr size_t kPagesFrom = 256 * 1024;
  RawBuffer() = default;
  explicit RawBuffer(size_t n) { reset(n); }
  RawBuffer(RawBuffer&& o) noexcept : data_(o.data_), size_(o.size_), capacity_(o.capacity_) {
    o.data_ = nullptr;
    o.size_ = o.capacity_ = 0;
  }
  RawBuffer& operator=(RawBuffer&& o) noexcept {
    if (this != &o) {
      release();
      data_ = o.data_;
      size_ = o.size_;
      capacity_ = o.capacity_;
      o.data_ = nullptr;
      o.size_ = o.capacity_ = 0;
    }
    return *this;
  }
  RawBuffer(const RawBuffer&) = delete;
  RawBuffer& operator=(const RawBuffer&) = delete;
  ~RawBuffer() { release(); }

  // Makes the buffer `n` bytes long; what it held is lost if it must grow.
  unsigned char* reset(size_t n) {
    if (n > capacity_) {
      release();
      data_ = static_cast<unsigned char*>(n >= kPagesFrom ? allocate_scratch_pages(n) : ::operator new(n));
      capacity_ = n;
    }
    size_ = n;
    return data_;
  }
  unsigned char* data() { return data_; }
  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void release() {
    if (!data_) return;
    if (capacity_ >= kPagesFrom) {
      free_pages(data_, capacity_);
    } else {
      ::operator delete(data_);
    }
    data_ = nullptr;
    size_ = capacity_ = 0;
  }

  unsigned char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

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

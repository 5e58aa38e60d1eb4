// Deletion vectors from bytes the log and its .bin files state: decoded when
// well formed, refused with Corruption (naming the vector) when a stated
// count or size exceeds what the bytes hold, before anything is sized by it.
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "delta/deletion_vector.h"
#include "neuralake/error.h"
#include "neuralake/object_store.h"

namespace {

namespace nl = neuralake;
namespace dl = neuralake::delta;

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// A RoaringBitmapArray of one 32-bit bitmap (high bits 0) with one run
// container: the rows start..start+length.
std::string one_run(uint16_t start, uint16_t length) {
  std::string b;
  put<uint32_t>(b, 1681511377);  // RoaringBitmapArray magic
  put<uint64_t>(b, 1);           // bitmaps
  put<uint32_t>(b, 0);           // high 32 bits
  put<uint32_t>(b, 12347);       // serial cookie with runs, 1 container
  put<uint8_t>(b, 1);            // container 0 is a run container
  put<uint16_t>(b, 0);           // key
  put<uint16_t>(b, length);      // cardinality - 1
  put<uint16_t>(b, 1);           // runs
  put<uint16_t>(b, start);
  put<uint16_t>(b, length);
  return b;
}

nl::ErrorCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const nl::Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return nl::ErrorCode::Internal;
}

TEST(DeltaDeletionVector, RunContainerDecodesToItsRows) {
  EXPECT_EQ(dl::decode_roaring_bitmap_array(one_run(3, 2), "dv", 3), (std::vector<uint64_t>{3, 4, 5}));
}

TEST(DeltaDeletionVector, MoreRowsThanTheCardinalityIsCorruption) {
  // Eight bytes of run state 65536 rows; the descriptor says 2.
  EXPECT_EQ(code_of([] { dl::decode_roaring_bitmap_array(one_run(0, 65535), "dv", 2); }), nl::ErrorCode::Corruption);
}

TEST(DeltaDeletionVector, ContainerCountBeyondTheBytesIsCorruption) {
  std::string b;
  put<uint32_t>(b, 1681511377);
  put<uint64_t>(b, 1);
  put<uint32_t>(b, 0);
  put<uint32_t>(b, 12346);       // serial cookie without runs
  put<uint32_t>(b, 0xFFFFFFFF);  // containers: 4 billion, in a few bytes
  EXPECT_EQ(code_of([&] { dl::decode_roaring_bitmap_array(b, "dv", 100); }), nl::ErrorCode::Corruption);
}

TEST(DeltaDeletionVector, StatedSizeBeyondTheFileIsCorruptionNamingIt) {
  auto store = nl::make_memory_store("dv");
  const std::string bitmap = one_run(1, 1);
  std::string file(1, '\x01');  // version
  const uint32_t size = static_cast<uint32_t>(bitmap.size());
  for (int s = 24; s >= 0; s -= 8) file.push_back(static_cast<char>(size >> s));
  file += bitmap + "crc!";
  store->put("t/dv.bin", file);
  dl::DeletionVectorDescriptor dv;
  dv.storage_type = 'p';
  dv.path_or_inline = "memory://dv/t/dv.bin";
  dv.offset = 1;
  dv.cardinality = 2;
  dv.size_in_bytes = 1 << 30;  // 1 GiB stated for a file of a few dozen bytes
  try {
    dl::load_deletion_vector(*store, "t", dv);
    ADD_FAILURE() << "no error";
  } catch (const nl::Error& e) {
    EXPECT_EQ(e.code(), nl::ErrorCode::Corruption);
    EXPECT_NE(std::string(e.what()).find("t/dv.bin"), std::string::npos) << e.what();
  }
}

TEST(DeltaDeletionVector, NegativeSizeOrCardinalityIsCorruption) {
  auto store = nl::make_memory_store("dv");
  dl::DeletionVectorDescriptor dv;
  dv.storage_type = 'i';
  dv.path_or_inline = "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L";
  dv.size_in_bytes = -1;
  dv.cardinality = 6;
  EXPECT_EQ(code_of([&] { dl::load_deletion_vector(*store, "t", dv); }), nl::ErrorCode::Corruption);
  dv.size_in_bytes = 40;
  dv.cardinality = -1;
  EXPECT_EQ(code_of([&] { dl::load_deletion_vector(*store, "t", dv); }), nl::ErrorCode::Corruption);
}

}  // namespace

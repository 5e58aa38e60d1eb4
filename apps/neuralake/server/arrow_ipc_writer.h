// Query results as Apache Arrow IPC bytes, batch by batch: the streaming
// format (for HTTP responses) and the random-access file format (.arrow).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "neuralake/arrow_c.h"
#include "neuralake/data_frame.h"
#include "neuralake/types.h"

namespace neuralake::server {

// Writes a schema message, one record batch message per batch and, on
// finish(), the stream's end marker or the file's footer. Columns go through
// the Arrow C data interface (DataFrame::to_arrow) and their buffers are
// written as they are, uncompressed, so memory stays bounded by one batch
// whatever the number of batches. Not thread-safe.
//
//   ArrowIpcWriter w(stream.schema(), ArrowIpcWriter::Format::Stream,
//                    [&](std::string_view bytes) { sink.write(bytes.data(), bytes.size()); });
//   while (auto batch = stream.next()) w.write(*batch);
//   w.finish();
class ArrowIpcWriter {
 public:
  enum class Format {
    Stream,  // the IPC streaming format (application/vnd.apache.arrow.stream)
    File,    // the IPC file format (application/vnd.apache.arrow.file): magic, stream, footer
  };
  // Receives the output in order. A piece is only valid during the call.
  // What the sink throws leaves the writer unusable and reaches the caller.
  using Sink = std::function<void(std::string_view bytes)>;

  // A writer of batches with these columns. Checks every column type before
  // anything is written and throws NotSupported naming the column and its type
  // for one Arrow IPC cannot carry here (an engine-only type the Arrow export
  // encodes as a dictionary or a union). Nothing reaches the sink before
  // begin(), write() or finish().
  ArrowIpcWriter(const Schema& schema, Format format, Sink sink);
  // The same for an Arrow schema: a struct ("+s") whose children are the
  // columns, as ArrowArrayStream::get_schema gives it; throws InvalidArgument
  // if it is not a struct, NotSupported as above. The schema is read, not
  // taken: the caller still releases it.
  ArrowIpcWriter(const ArrowSchema& schema, Format format, Sink sink);
  ~ArrowIpcWriter();
  ArrowIpcWriter(const ArrowIpcWriter&) = delete;
  ArrowIpcWriter& operator=(const ArrowIpcWriter&) = delete;

  // Writes the schema message (and, for File, the leading magic) now, so a
  // client sees the columns before the first batch is ready. Optional: the
  // first write() or finish() does it otherwise; later calls do nothing.
  // Throws InvalidArgument after finish().
  void begin();
  // Appends one record batch (an empty frame gives an empty batch). Throws
  // InvalidArgument naming the column if the batch's columns differ from the
  // schema's (names, count or Arrow types), and if called after finish().
  void write(const DataFrame& batch);
  // The same for an Arrow struct array of the schema's columns (e.g. each
  // array of ResultStream::to_arrow(), with the writer made from that
  // stream's schema), read, not taken. Any `offset` of it or its children is
  // honoured. Throws InvalidArgument naming the column for an array that does
  // not hold what its format and length promise; nothing is written then.
  void write(const ArrowArray& batch);
  // Writes the schema if no batch did, then the end-of-stream marker
  // (Stream) or the footer and trailing magic (File). Later write() and
  // finish() calls throw InvalidArgument.
  void finish();

  // Bytes given to the sink so far.
  uint64_t bytes_written() const;
  // Record batches written so far.
  uint64_t batches_written() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace neuralake::server

// S3Store: each ObjectStore call as one or more signed S3 requests, with
// retries (full-jitter backoff) on throttling, 5xx and transport failures, and
// errors that name s3://bucket/key and never a credential.
#include "storage/s3/s3_store.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "neuralake/error.h"
#include "storage/s3/crypto_library.h"

namespace neuralake::s3 {
namespace {

// A 206 answer's Content-Range, "bytes first-last/total".
struct ContentRange {
  uint64_t first = 0, last = 0, total = 0;
};
std::optional<ContentRange> content_range(const HttpResponse& r) {
  unsigned long long first = 0, last = 0, total = 0;
  if (std::sscanf(r.header("content-range").c_str(), "bytes %llu-%llu/%llu", &first, &last, &total) != 3)
    return std::nullopt;
  return ContentRange{first, last, total};
}

std::string xml_value(std::string_view xml, std::string_view tag, size_t from = 0) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  size_t b = xml.find(open, from);
  if (b == std::string_view::npos) return "";
  b += open.size();
  size_t e = xml.find(close, b);
  return e == std::string_view::npos ? "" : std::string(xml.substr(b, e - b));
}

// The five predefined XML entities and numeric references, as S3 escapes keys.
std::string xml_unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (!ent.empty() && ent[0] == '#') {
      unsigned long cp = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X') ? std::stoul(std::string(ent.substr(2)), nullptr, 16)
                                                                             : std::stoul(std::string(ent.substr(1)));
      // UTF-8 encode
      if (cp < 0x80) out += static_cast<char>(cp);
      else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
      else if (cp < 0x10000)
        out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
            out += static_cast<char>(0x80 | (cp & 0x3F));
      else
        out += static_cast<char>(0xF0 | (cp >> 18)), out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

std::chrono::system_clock::time_point parse_time(const std::string& text) {
  std::tm tm{};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) || strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) {
    return std::chrono::system_clock::from_time_t(timegm(&tm));
  }
  return {};
}

struct Counters {
  std::atomic<uint64_t> get{0}, head{0}, list{0}, put{0}, remove{0}, multipart{0}, retries{0};
};

class S3StoreImpl;

// Multipart when the object outgrows one part; a single PUT otherwise. Parts
// are uploaded as they fill, so memory stays at one part.
class S3Writer : public ObjectWriter {
 public:
  S3Writer(S3StoreImpl& store, std::string key) : store_(store), key_(std::move(key)) {}
  ~S3Writer() override;
  void write(const char* data, size_t n) override;
  void close() override;

 private:
  void flush_part();
  S3StoreImpl& store_;
  std::string key_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<std::string> etags_;
  bool closed_ = false;
};

// Reads the object in chunks of S3StoreOptions::read_chunk_size and keeps the
// next read_parallelism chunks coming while the caller consumes the current
// one, so its work and the next requests overlap, and the requests overlap
// each other. Memory: at most read_parallelism + 1 chunks.
class S3Reader : public ObjectReader {
 public:
  S3Reader(S3StoreImpl& store, std::string key, std::unique_ptr<char[]> first, uint64_t first_size, uint64_t size,
           std::string etag);
  ~S3Reader() override;
  size_t read(char* out, size_t n) override;
  uint64_t size() const override { return size_; }

 private:
  // A chunk being fetched on its own thread into `buf`; `size` gives its length.
  struct Ahead {
    uint64_t start = 0;
    std::unique_ptr<char[]> buf;
    std::future<uint64_t> size;  // after buf: destroyed (waited for) before it
  };
  void fetch_ahead();
  void drain() noexcept;

  S3StoreImpl& store_;
  std::string key_;
  std::unique_ptr<char[]> current_;  // bytes [current_start_, current_start_ + current_size_)
  uint64_t current_start_ = 0;
  uint64_t current_size_ = 0;
  uint64_t offset_ = 0;
  uint64_t size_;
  std::string etag_;
  uint64_t next_fetch_;  // where the next chunk to fetch starts
  std::vector<std::unique_ptr<char[]>> spare_;  // chunk buffers to reuse
  std::deque<Ahead> ahead_;  // in order of start
};

// Reads the rest of the object after the first chunk with one GET on a thread
// of its own, as curl would: the bytes go straight into the caller's buffer
// while it waits for them, and into a queue of 1 MiB blocks while it is busy
// (at most read_chunk_size * read_parallelism bytes; then the transfer waits
// and TCP slows the server down). A connection lost midway resumes where it
// stopped, pinned to the ETag the open saw.
class S3StreamReader : public ObjectReader {
 public:
  S3StreamReader(S3StoreImpl& store, std::string key, std::unique_ptr<char[]> first, uint64_t first_size, uint64_t size,
                 std::string etag);
  ~S3StreamReader() override;
  size_t read(char* out, size_t n) override;
  uint64_t size() const override { return size_; }

 private:
  static constexpr size_t kBlock = 1u << 20;
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size = 0;
  };
  void run();                           // the transfer thread
  bool deliver(std::string_view piece);  // its body sink; false once stopping
  size_t take_current(char* out, size_t n);
  size_t take_queued(char* out, size_t n);

  S3StoreImpl& store_;
  std::string key_;
  std::unique_ptr<char[]> first_;  // bytes [0, first_size_), read first
  uint64_t first_size_;
  uint64_t size_;
  std::string etag_;
  uint64_t offset_ = 0;  // bytes handed to the caller
  Block current_;        // taken from the queue, being read by the caller
  size_t current_pos_ = 0;
  size_t max_blocks_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Block> queued_;  // received and not yet taken, in order
  std::vector<std::unique_ptr<char[]>> spare_;
  size_t blocks_made_ = 0;
  char* waiting_out_ = nullptr;  // the caller's buffer while it waits for bytes
  size_t waiting_capacity_ = 0;
  size_t waiting_filled_ = 0;
  bool finished_ = false;
  std::exception_ptr error_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: started once everything above exists
};

class S3StoreImpl : public S3Store {
  friend class S3StreamReader;

 public:
  using BodySink = std::function<bool(const HttpResponse&, std::string_view)>;

  explicit S3StoreImpl(S3StoreOptions o) : o_(std::move(o)), rng_(std::random_device{}()) {
    if (o_.endpoint.empty()) o_.endpoint = "https://s3." + o_.region + ".amazonaws.com";
    ep_ = s3::parse_endpoint(o_.endpoint, "s3.endpoint");
    if (!o_.http) o_.http = std::make_shared<HttpClient>();
    while (!o_.prefix.empty() && o_.prefix.back() == '/') o_.prefix.pop_back();
    while (!o_.prefix.empty() && o_.prefix.front() == '/') o_.prefix.erase(0, 1);
  }

  std::string uri() const override { return "s3://" + o_.bucket + (o_.prefix.empty() ? "" : "/" + o_.prefix); }

  S3RequestCounts request_counts() const override {
    return {c_.get, c_.head, c_.list, c_.put, c_.remove, c_.multipart, c_.retries};
  }

  std::optional<ObjectInfo> head(std::string_view key) override {
    ++c_.head;
    HttpResponse r = request("HEAD", key, {}, {}, {});
    if (r.status == 404) return std::nullopt;
    check(r, key, "HEAD");
    return info_from_headers(key, r);
  }

  std::vector<ObjectInfo> list(std::string_view prefix, std::string_view start_after) override {
    std::vector<ObjectInfo> out = list_objects(prefix, start_after, /*delimited=*/false).objects;
    // S3 lists in UTF-8 byte order; not every compatible server does, and callers rely on it.
    std::sort(out.begin(), out.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  // One ListObjectsV2 walk with delimiter '/': this level only, however deep
  // the keys below it go.
  Level list_level(std::string_view prefix) override {
    Level out = list_objects(prefix, {}, /*delimited=*/true);
    std::sort(out.objects.begin(), out.objects.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    std::sort(out.prefixes.begin(), out.prefixes.end());
    return out;
  }

  // Level by level, descending only while a key below could still have at
  // most `max_segments` segments: deeper subtrees are never listed.
  std::vector<ObjectInfo> list_shallow(std::string_view prefix, size_t max_segments) override {
    std::vector<ObjectInfo> out;
    std::vector<std::string> pending{std::string(prefix)};
    while (!pending.empty()) {
      std::string p = std::move(pending.back());
      pending.pop_back();
      Level level = list_level(p);
      for (auto& o : level.objects) {
        if (static_cast<size_t>(std::count(o.key.begin(), o.key.end(), '/')) + 1 <= max_segments) out.push_back(std::move(o));
      }
      // A sub-prefix "a/b/" holds keys of at least slashes + 1 segments.
      for (auto& d : level.prefixes) {
        if (static_cast<size_t>(std::count(d.begin(), d.end(), '/')) + 1 <= max_segments) pending.push_back(std::move(d));
      }
    }
    std::sort(out.begin(), out.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  // ListObjectsV2 over every page; with `delimited`, keys below the next '/'
  // come back as common prefixes instead.
  Level list_objects(std::string_view prefix, std::string_view start_after, bool delimited) {
    Level out;
    std::string token;
    const std::string full_prefix = full_key(prefix);
    const std::string full_start = start_after.empty() ? "" : full_key(start_after);
    auto relative = [&](const std::string& key) {
      return o_.prefix.empty() ? key : key.substr(std::min(key.size(), o_.prefix.size() + 1));
    };
    do {
      ++c_.list;
      QueryList q{{"list-type", "2"}, {"prefix", full_prefix}};
      if (delimited) q.emplace_back("delimiter", "/");
      if (!full_start.empty()) q.emplace_back("start-after", full_start);
      if (!token.empty()) q.emplace_back("continuation-token", token);
      HttpResponse r = request("GET", "", q, {}, {}, /*bucket_level=*/true);
      check(r, prefix, "LIST");
      const std::string& xml = r.body;
      if (xml.find("<ListBucketResult") == std::string::npos) {
        throw Error(ErrorCode::Corruption, uri(), "ListObjectsV2 on " + uri() + " answered without a ListBucketResult");
      }
      size_t pos = 0;
      while ((pos = xml.find("<Contents>", pos)) != std::string::npos) {
        size_t end = xml.find("</Contents>", pos);
        std::string_view item(xml.data() + pos, end - pos);
        ObjectInfo info;
        info.key = relative(xml_unescape(xml_value(item, "Key")));
        info.size = std::stoull("0" + xml_value(item, "Size"));
        info.etag = xml_unescape(xml_value(item, "ETag"));
        info.last_modified = parse_time(xml_value(item, "LastModified"));
        out.objects.push_back(std::move(info));
        pos = end;
      }
      pos = 0;
      while ((pos = xml.find("<CommonPrefixes>", pos)) != std::string::npos) {
        size_t end = xml.find("</CommonPrefixes>", pos);
        std::string_view item(xml.data() + pos, end - pos);
        out.prefixes.push_back(relative(xml_unescape(xml_value(item, "Prefix"))));
        pos = end;
      }
      token = xml_value(xml, "IsTruncated") == "true" ? xml_unescape(xml_value(xml, "NextContinuationToken")) : "";
    } while (!token.empty());
    return out;
  }

  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    if (length == 0) return 0;
    const uint64_t part = std::max<uint64_t>(o_.read_part_size, 1);
    if (o_.read_parallelism > 1 && length > part) return read_range_parallel(key, offset, length, out, part);
    return static_cast<size_t>(fetch_range(key, offset, length, out, {}).size);
  }

  // A large range as parts fetched by several threads at once, straight into
  // `out`. Every part must come from the same version of the object (one ETag),
  // else the range would mix two versions.
  size_t read_range_parallel(std::string_view key, uint64_t offset, uint64_t length, char* out, uint64_t part) {
    const size_t parts = static_cast<size_t>((length + part - 1) / part);
    std::vector<RangeResult> results(parts);
    std::vector<std::exception_ptr> errors(parts);
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next++) < parts;) {
        uint64_t start = offset + i * part;
        try {
          results[i] = fetch_range(key, start, std::min(part, offset + length - start), out + (start - offset), {});
        } catch (...) {
          errors[i] = std::current_exception();
        }
      }
    };
    std::vector<std::thread> threads;
    for (size_t t = 1; t < std::min<size_t>(parts, static_cast<size_t>(o_.read_parallelism)); ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    const uint64_t total = results[0].total;
    if (results[0].size == 0) return 0;  // the range starts at or past the end
    for (const auto& r : results) {
      if (r.size == 0) continue;  // past the end: a 416 need not say the size or ETag
      if (r.total != total || (!r.etag.empty() && !results[0].etag.empty() && r.etag != results[0].etag)) {
        throw Error(ErrorCode::IOError, describe(key), describe(key) + " changed while it was being read");
      }
    }
    return offset >= total ? 0 : static_cast<size_t>(std::min<uint64_t>(length, total - offset));
  }

  struct RangeResult {
    uint64_t size = 0;    // bytes written to `out`: exactly min(length, total - offset)
    uint64_t total = 0;   // the object's size
    std::string etag;
  };

  // One ranged GET into `out` (room for `length` bytes), checked: the bytes
  // written are exactly those asked for (fewer only at the end of the object),
  // or it throws, and then what `out` holds is not to be used. `if_match` pins
  // the version a streaming reader started on.
  RangeResult fetch_range(std::string_view key, uint64_t offset, uint64_t length, char* out_buf, const std::string& if_match) {
    HeaderList h{{"Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1)}};
    if (!if_match.empty()) h.emplace_back("If-Match", if_match);
    for (int attempt = 0;; ++attempt) {
      ++c_.get;
      // A 206 lands straight in `out_buf`; anything else in r.body.
      HttpResponse r = request("GET", key, {}, h, {}, /*bucket_level=*/false, out_buf, length);
      RangeResult out;
      out.etag = r.header("etag");
      if (r.status == 416) {  // offset at or past the end
        std::string cr = r.header("content-range");
        unsigned long long t = 0;
        if (std::sscanf(cr.c_str(), "bytes */%llu", &t) == 1) out.total = t;
        return out;
      }
      if (r.status == 412 || (!if_match.empty() && r.status / 100 == 2 && !out.etag.empty() && out.etag != if_match)) {
        throw Error(ErrorCode::IOError, describe(key), describe(key) + " changed while it was being read");
      }
      // Some servers answer a range on an empty object with a malformed 206
      // ("bytes 0-0/0" and a body that never comes); its total says: nothing to read.
      if (auto cr = content_range(r); (r.status == 206 || r.transport_error) && cr && offset >= cr->total) {
        out.total = cr->total;
        // An object caught mid-rewrite can look empty; its ETag tells.
        if (cr->total != 0 || etag_matches_content(r, "")) return out;
        if (attempt >= o_.max_retries) {
          throw Error(ErrorCode::Corruption, describe(key), describe(key) + ": content does not match its ETag");
        }
        ++c_.retries;
        backoff(attempt);
        continue;
      }
      check(r, key, "GET");
      std::string_view body;
      if (r.status == 206) {
        // The server must answer the range we asked for.
        auto cr = content_range(r);
        if (!cr || cr->first != offset) {
          throw Error(ErrorCode::Corruption, describe(key),
                      describe(key) + ": server answered range '" + r.header("content-range") + "' for offset " +
                          std::to_string(offset));
        }
        out.total = cr->total;
        body = std::string_view(out_buf, r.body_out_size);
      } else {  // 200: the server ignored Range and sent everything
        out.total = r.body.size();
        body = offset >= r.body.size() ? std::string_view() : std::string_view(r.body).substr(offset);
      }
      uint64_t expected = offset >= out.total ? 0 : std::min<uint64_t>(length, out.total - offset);
      bool torn = false;
      if (body.size() >= expected) {
        if (body.data() != out_buf) std::copy_n(body.data(), expected, out_buf);
        out.size = expected;
        if (offset != 0 || expected != out.total || etag_matches_content(r, std::string_view(out_buf, expected))) return out;
        torn = true;  // a whole object whose bytes do not match its own ETag
      }
      // Fewer bytes than the range promised, or torn content: never hand back
      // partial or mixed data.
      if (attempt >= o_.max_retries) {
        throw Error(torn ? ErrorCode::Corruption : ErrorCode::IOError, describe(key),
                    describe(key) + (torn ? ": content does not match its ETag" : ": short read, got " + std::to_string(body.size()) +
                                                                                     " of " + std::to_string(expected) + " bytes"));
      }
      ++c_.retries;
      backoff(attempt);
      continue;
    }
  }

  // S3's ETag of a single-part object stored in plaintext or with SSE-S3 is the
  // MD5 of its bytes; where that holds, a whole-object read is checked against
  // it. Multipart ("...-N") and KMS/customer-key ETags are not digests: skipped.
  static bool etag_matches_content(const HttpResponse& r, std::string_view data) {
    std::string etag = r.header("etag");
    if (etag.size() == 34 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, 32);
    if (etag.size() != 32 || !std::all_of(etag.begin(), etag.end(), ::isxdigit)) return true;
    std::string sse = r.header("x-amz-server-side-encryption");
    if ((!sse.empty() && sse != "AES256") || !r.header("x-amz-server-side-encryption-customer-algorithm").empty()) return true;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const CryptoLibrary& crypto = crypto_library();
    crypto.evp_digest(data.data(), data.size(), digest, &len, crypto.evp_md5(), nullptr);
    std::string hex = to_hex(std::string_view(reinterpret_cast<const char*>(digest), len));
    std::transform(etag.begin(), etag.end(), etag.begin(), ::tolower);
    return hex == etag;
  }

  uint64_t read_chunk() const { return std::max<uint64_t>(o_.read_chunk_size, 1); }
  int read_parallelism() const { return o_.read_parallelism; }

  // The first chunk comes with the open: one request for small objects, and
  // the ETag it returns pins the version every later byte must match.
  std::unique_ptr<ObjectReader> open_reader(std::string_view key) override {
    // A streaming reader's transfer starts once the first chunk is in: a small one.
    const uint64_t first_chunk = o_.stream_sequential_reads ? std::min<uint64_t>(read_chunk(), 1u << 20) : read_chunk();
    std::unique_ptr<char[]> buf(new char[first_chunk]);
    RangeResult first = fetch_range(key, 0, first_chunk, buf.get(), {});
    if (o_.stream_sequential_reads && first.size < first.total)
      return std::make_unique<S3StreamReader>(*this, std::string(key), std::move(buf), first.size, first.total, first.etag);
    return std::make_unique<S3Reader>(*this, std::string(key), std::move(buf), first.size, first.total, first.etag);
  }

  std::unique_ptr<ObjectWriter> open_writer(std::string_view key) override {
    return std::make_unique<S3Writer>(*this, std::string(key));
  }

  void put(std::string_view key, std::string_view data) override {
    ++c_.put;
    HttpResponse r = request("PUT", key, {}, {{"Content-Type", "application/octet-stream"}}, data);
    check(r, key, "PUT");
  }

  bool put_if_absent(std::string_view key, std::string_view data) override {
    ++c_.put;
    HttpResponse r = request("PUT", key, {}, {{"Content-Type", "application/octet-stream"}, {"If-None-Match", "*"}}, data);
    if (r.status == 412) return false;
    check(r, key, "PUT");
    return true;
  }

  void remove(std::string_view key) override {
    ++c_.remove;
    HttpResponse r = request("DELETE", key, {}, {}, {});
    if (r.status == 404) return;
    check(r, key, "DELETE");
  }

  // --- multipart, for the writer ---
  std::string create_multipart(const std::string& key) {
    ++c_.multipart;
    HttpResponse r = request("POST", key, {{"uploads", ""}}, {{"Content-Type", "application/octet-stream"}}, {});
    check(r, key, "CreateMultipartUpload");
    std::string id = xml_unescape(xml_value(r.body, "UploadId"));
    if (id.empty()) throw Error(ErrorCode::Corruption, describe(key), describe(key) + ": CreateMultipartUpload answered without an UploadId");
    return id;
  }
  std::string upload_part(const std::string& key, const std::string& id, int number, std::string_view data) {
    ++c_.multipart;
    HttpResponse r = request("PUT", key, {{"partNumber", std::to_string(number)}, {"uploadId", id}}, {}, data);
    check(r, key, "UploadPart");
    std::string etag = r.header("etag");
    if (etag.empty()) throw Error(ErrorCode::Corruption, describe(key), describe(key) + ": UploadPart answered without an ETag");
    return etag;
  }
  void complete_multipart(const std::string& key, const std::string& id, const std::vector<std::string>& etags) {
    ++c_.multipart;
    std::string xml = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags.size(); ++i) {
      xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] + "</ETag></Part>";
    }
    xml += "</CompleteMultipartUpload>";
    HttpResponse r = request("POST", key, {{"uploadId", id}}, {{"Content-Type", "application/xml"}}, xml);
    check(r, key, "CompleteMultipartUpload");
    // S3 may answer 200 with an error document when completion fails late.
    if (r.body.find("<Error>") != std::string::npos) {
      throw Error(ErrorCode::IOError, describe(key), describe(key) + ": CompleteMultipartUpload failed (" + xml_value(r.body, "Code") + ")");
    }
  }
  void abort_multipart(const std::string& key, const std::string& id) noexcept {
    try {
      ++c_.multipart;
      request("DELETE", key, {{"uploadId", id}}, {}, {});
    } catch (...) {
      // Best effort: an abandoned upload is reclaimed by the bucket's lifecycle rules.
    }
  }
  size_t part_size() const { return std::max<size_t>(o_.part_size, 1); }

  std::string describe(std::string_view key) const {
    return "s3://" + o_.bucket + "/" + full_key(key);
  }

 private:
  std::string full_key(std::string_view key) const {
    return o_.prefix.empty() ? std::string(key) : o_.prefix + "/" + std::string(key);
  }

  ObjectInfo info_from_headers(std::string_view key, const HttpResponse& r) const {
    ObjectInfo info;
    info.key = std::string(key);
    std::string len = r.header("content-length");
    info.size = len.empty() ? 0 : std::stoull(len);
    info.etag = r.header("etag");
    info.last_modified = parse_time(r.header("last-modified"));
    return info;
  }

  std::chrono::milliseconds backoff_delay(int attempt) {
    auto cap = std::min<long long>(o_.retry_max_delay.count(), o_.retry_base_delay.count() << std::min(attempt, 20));
    std::lock_guard lock(rng_mutex_);
    return std::chrono::milliseconds(std::uniform_int_distribution<long long>(0, std::max(0LL, cap))(rng_));
  }
  void backoff(int attempt) { std::this_thread::sleep_for(backoff_delay(attempt)); }
  int max_retries() const { return o_.max_retries; }
  void count_retry() { ++c_.retries; }

  // One GET of the object from `offset` to its end, pinned to `etag`, its
  // body handed to `sink` as it arrives. Not retried once bytes arrived.
  HttpResponse stream_from(std::string_view key, uint64_t offset, const std::string& etag, const BodySink& sink,
                           const std::atomic<bool>& cancel) {
    HeaderList h{{"Range", "bytes=" + std::to_string(offset) + "-"}};
    if (!etag.empty()) h.emplace_back("If-Match", etag);
    ++c_.get;
    return request("GET", key, {}, h, {}, /*bucket_level=*/false, nullptr, 0, &sink, &cancel);
  }

  static bool retryable(const HttpResponse& r) {
    if (r.transport_error) return !r.header("content-range").ends_with("/0");
    if (r.status >= 500 || r.status == 429) return true;
    if (r.status == 409 && r.body.find("ConditionalRequestConflict") != std::string::npos) return true;
    return r.status == 400 && r.body.find("<Code>RequestTimeout</Code>") != std::string::npos;
  }

  // Signs and sends one request, retrying what may succeed on a second try.
  // A 206 answer's body goes to `body_out` (`body_out_capacity` bytes) if given.
  // With `sink`, a 2xx body goes to it as it arrives, and a request it took
  // bytes from is never retried here (the caller resumes after them).
  HttpResponse request(const std::string& method, std::string_view key, const QueryList& query, const HeaderList& headers,
                       std::string_view body, bool bucket_level = false, char* body_out = nullptr, size_t body_out_capacity = 0,
                       const BodySink* sink = nullptr, const std::atomic<bool>* cancel = nullptr) {
    std::string path = o_.path_style ? "/" + o_.bucket : "";
    if (!bucket_level) path += "/" + full_key(key);
    if (path.empty()) path = "/";
    std::string host = o_.path_style ? ep_.authority() : o_.bucket + "." + ep_.authority();
    std::string url = ep_.scheme + "://" + host + ep_.path + uri_encode(path, true);
    std::string qs;
    for (const auto& [k, v] : query) qs += (qs.empty() ? "?" : "&") + uri_encode(k, false) + "=" + uri_encode(v, false);
    url += qs;
    const std::string payload_hash = body.empty() ? std::string(kEmptyPayloadHash) : sha256_hex(body);
    for (int attempt = 0;; ++attempt) {
      TimedCredentials creds = o_.credentials->get();
      SigningRequest sr{method, ep_.path + path, query, headers, payload_hash};
      sr.headers.emplace_back("host", host);
      SigningOptions so;
      so.region = o_.region;
      so.time = std::chrono::system_clock::now();
      SignedRequest signed_req = sign_v4(sr, creds.credentials, so);
      HttpRequest hr{method, url, sr.headers, body, body_out, body_out_capacity};
      hr.headers.insert(hr.headers.end(), signed_req.added_headers.begin(), signed_req.added_headers.end());
      if (sink) hr.body_sink = *sink;
      hr.cancel = cancel;
      HttpResponse r = o_.http->perform(hr);
      if (!retryable(r) || attempt >= o_.max_retries || (sink && r.body_out_size > 0) || (cancel && *cancel)) return r;
      ++c_.retries;
      backoff(attempt);
    }
  }

  // Turns a final non-2xx response into an Error naming bucket and key.
  void check(const HttpResponse& r, std::string_view key, const char* op) const {
    const std::string object = describe(key);
    if (r.transport_error) {
      throw Error(r.timed_out ? ErrorCode::Timeout : ErrorCode::Unavailable, object,
                  std::string(op) + " " + object + " failed after " + std::to_string(o_.max_retries + 1) + " attempts: " +
                      r.transport_message + " (endpoint " + ep_.base_url() + ")");
    }
    if (r.status >= 200 && r.status < 300) return;
    const std::string code = xml_value(r.body, "Code");
    const std::string what = std::string(op) + " " + object + ": HTTP " + std::to_string(r.status) + (code.empty() ? "" : " " + code);
    if (r.status == 403) {
      throw Error(ErrorCode::PermissionDenied, object,
                  what + " (access denied to bucket '" + o_.bucket + "': check the credentials and their permissions)");
    }
    if (r.status == 404) {
      if (code == "NoSuchBucket") throw Error(ErrorCode::NotFound, "s3://" + o_.bucket, what + " (bucket '" + o_.bucket + "' does not exist)");
      throw Error(ErrorCode::NotFound, object, what + " (no such key)");
    }
    if (r.status == 503 || r.status == 500 || r.status == 429 || r.status >= 500) {
      throw Error(ErrorCode::Unavailable, object, what + " after " + std::to_string(o_.max_retries + 1) + " attempts");
    }
    throw Error(ErrorCode::IOError, object, what);
  }

  S3StoreOptions o_;
  s3::Endpoint ep_;
  mutable Counters c_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_;
};

S3Writer::~S3Writer() {
  if (!closed_ && !upload_id_.empty()) store_.abort_multipart(key_, upload_id_);
}

void S3Writer::write(const char* data, size_t n) {
  if (closed_) throw Error(ErrorCode::InvalidArgument, store_.describe(key_), "write after close on " + store_.describe(key_));
  while (n > 0) {
    size_t take = std::min(n, store_.part_size() - buffer_.size());
    buffer_.append(data, take);
    data += take;
    n -= take;
    if (buffer_.size() == store_.part_size()) flush_part();
  }
}

void S3Writer::flush_part() {
  if (upload_id_.empty()) upload_id_ = store_.create_multipart(key_);
  etags_.push_back(store_.upload_part(key_, upload_id_, static_cast<int>(etags_.size()) + 1, buffer_));
  buffer_.clear();
}

void S3Writer::close() {
  if (closed_) return;
  if (upload_id_.empty()) {
    store_.put(key_, buffer_);
  } else {
    if (!buffer_.empty()) flush_part();
    store_.complete_multipart(key_, upload_id_, etags_);
  }
  closed_ = true;
  buffer_ = std::string();
}

S3Reader::S3Reader(S3StoreImpl& store, std::string key, std::unique_ptr<char[]> first, uint64_t first_size, uint64_t size,
                   std::string etag)
    : store_(store), key_(std::move(key)), current_(std::move(first)), current_size_(first_size), size_(size),
      etag_(std::move(etag)), next_fetch_(first_size) {}

S3Reader::~S3Reader() { drain(); }

// Waits for every fetch in flight (they write into buffers this reader owns)
// and forgets them.
void S3Reader::drain() noexcept {
  for (auto& a : ahead_) {
    if (a.size.valid()) a.size.wait();
  }
  ahead_.clear();
}

// Starts fetching the chunk at next_fetch_ on its own thread.
void S3Reader::fetch_ahead() {
  const uint64_t chunk = store_.read_chunk();
  Ahead a;
  a.start = next_fetch_;
  if (spare_.empty()) {
    a.buf.reset(new char[chunk]);
  } else {
    a.buf = std::move(spare_.back());
    spare_.pop_back();
  }
  a.size = std::async(std::launch::async, [this, start = a.start, chunk, buf = a.buf.get()] {
    auto next = store_.fetch_range(key_, start, chunk, buf, etag_);
    if (next.total != size_ || next.size == 0) {
      throw Error(ErrorCode::IOError, store_.describe(key_), store_.describe(key_) + " changed while it was being read");
    }
    return next.size;
  });
  next_fetch_ += chunk;
  ahead_.push_back(std::move(a));
}

size_t S3Reader::read(char* out, size_t n) {
  if (offset_ >= size_ || n == 0) return 0;
  if (offset_ >= current_start_ + current_size_) {
    if (ahead_.empty()) fetch_ahead();
    Ahead& a = ahead_.front();
    uint64_t got;
    try {
      got = a.size.get();  // a failed fetch throws here, naming the key
    } catch (...) {
      // Start again from here on the next read; nothing fetched ahead is kept.
      spare_.push_back(std::move(a.buf));
      ahead_.pop_front();
      drain();
      next_fetch_ = offset_;
      throw;
    }
    spare_.push_back(std::move(current_));
    current_ = std::move(a.buf);
    current_start_ = a.start;
    current_size_ = got;
    ahead_.pop_front();
  }
  // Keep the next chunks coming while this one is consumed.
  const size_t depth = static_cast<size_t>(std::max(1, store_.read_parallelism()));
  while (ahead_.size() < depth && next_fetch_ < size_) fetch_ahead();
  size_t take = static_cast<size_t>(std::min<uint64_t>(n, current_start_ + current_size_ - offset_));
  std::copy_n(current_.get() + (offset_ - current_start_), take, out);
  offset_ += take;
  return take;
}

S3StreamReader::S3StreamReader(S3StoreImpl& store, std::string key, std::unique_ptr<char[]> first, uint64_t first_size,
                               uint64_t size, std::string etag)
    : store_(store),
      key_(std::move(key)),
      first_(std::move(first)),
      first_size_(first_size),
      size_(size),
      etag_(std::move(etag)),
      max_blocks_(std::max<size_t>(2, store.read_chunk() * std::max(1, store.read_parallelism()) / kBlock)) {
  if (first_size_ < size_) thread_ = std::thread([this] { run(); });
}

S3StreamReader::~S3StreamReader() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool S3StreamReader::deliver(std::string_view piece) {
  std::unique_lock lock(mutex_);
  while (!piece.empty()) {
    if (stop_) return false;
    if (waiting_out_ && queued_.empty()) {  // the caller waits: straight into its buffer
      const size_t k = std::min(piece.size(), waiting_capacity_ - waiting_filled_);
      std::memcpy(waiting_out_ + waiting_filled_, piece.data(), k);
      waiting_filled_ += k;
      piece.remove_prefix(k);
      if (waiting_filled_ == waiting_capacity_) {
        waiting_out_ = nullptr;
        changed_.notify_all();
      }
      continue;
    }
    if (queued_.empty() || queued_.back().size == kBlock) {
      if (spare_.empty() && blocks_made_ >= max_blocks_) {  // full: wait for the caller to take some
        changed_.wait(lock);
        continue;
      }
      Block b;
      if (spare_.empty()) {
        b.data.reset(new char[kBlock]);
        blocks_made_++;
      } else {
        b.data = std::move(spare_.back());
        spare_.pop_back();
      }
      queued_.push_back(std::move(b));
    }
    Block& b = queued_.back();
    const size_t k = std::min(piece.size(), kBlock - b.size);
    std::memcpy(b.data.get() + b.size, piece.data(), k);
    b.size += k;
    piece.remove_prefix(k);
  }
  return true;
}

void S3StreamReader::run() {
  uint64_t at = first_size_;
  int failures = 0;  // in a row, each without a block's worth of progress
  try {
    while (at < size_ && !stop_) {
      const uint64_t from = at;
      bool changed = false;         // the object is not the version the open saw
      std::string refused;          // why else the answer's bytes cannot be used
      std::exception_ptr failed;    // thrown while taking bytes (not let through libcurl)
      S3StoreImpl::BodySink sink = [&](const HttpResponse& head, std::string_view piece) {
        try {
          if (at == from) {  // the first bytes: are they the range and version asked for?
            const auto range = content_range(head);
            const std::string etag = head.header("etag");
            if (head.status != 206 || !range || range->first != from) {
              refused = "server answered HTTP " + std::to_string(head.status) + " with range '" +
                        head.header("content-range") + "' for bytes from " + std::to_string(from);
              return false;
            }
            if (range->total != size_ || (!etag.empty() && !etag_.empty() && etag != etag_)) {
              changed = true;
              return false;
            }
          }
          if (!deliver(piece)) return false;
          at += piece.size();
          return true;
        } catch (...) {
          failed = std::current_exception();
          return false;
        }
      };
      HttpResponse r = store_.stream_from(key_, at, etag_, sink, stop_);
      if (stop_) break;
      if (failed) std::rethrow_exception(failed);
      if (changed || r.status == 412)
        throw Error(ErrorCode::IOError, store_.describe(key_), store_.describe(key_) + " changed while it was being read");
      if (!refused.empty()) throw Error(ErrorCode::Corruption, store_.describe(key_), store_.describe(key_) + ": " + refused);
      if (at >= size_) break;
      // Nothing came (the request was already retried as far as it goes), or
      // an error status: an error naming the object and the endpoint.
      if (at == from || !r.transport_error) store_.check(r, key_, "GET");
      // Cut short after some bytes: resume after them.
      failures = at - from >= kBlock ? 0 : failures + 1;
      if (failures > store_.max_retries()) {
        throw Error(ErrorCode::Unavailable, store_.describe(key_),
                    "GET " + store_.describe(key_) + " was cut short " + std::to_string(failures) + " times in a row: " +
                        (r.transport_error ? r.transport_message : "the body ended early"));
      }
      store_.count_retry();
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, store_.backoff_delay(std::max(0, failures - 1)), [&] { return stop_.load(); });
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

size_t S3StreamReader::take_current(char* out, size_t n) {
  const size_t k = std::min(n, current_.size - current_pos_);
  std::memcpy(out, current_.data.get() + current_pos_, k);
  current_pos_ += k;
  offset_ += k;
  return k;
}

// Moves queued blocks into `out` (the mutex held); a block left part-read
// stays current. Returns the bytes moved.
size_t S3StreamReader::take_queued(char* out, size_t n) {
  size_t got = 0;
  while (got < n && !queued_.empty()) {
    current_ = std::move(queued_.front());
    queued_.pop_front();
    current_pos_ = 0;
    got += take_current(out + got, n - got);
    if (current_pos_ == current_.size) {
      spare_.push_back(std::move(current_.data));
      current_ = {};
    }
  }
  return got;
}

// Fills `out` as far as the object goes: first what is already here (the
// first chunk, the block being read, then the queue), then the rest straight
// from the transfer while waiting. Returns short only at the end.
size_t S3StreamReader::read(char* out, size_t n) {
  if (offset_ >= size_ || n == 0) return 0;
  n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset_));
  if (offset_ < first_size_) {
    const size_t k = static_cast<size_t>(std::min<uint64_t>(n, first_size_ - offset_));
    std::memcpy(out, first_.get() + offset_, k);
    offset_ += k;
    if (offset_ == first_size_) first_.reset();
    return k;
  }
  size_t got = 0;
  if (current_.data) got = take_current(out, n);
  if (got == n) return got;
  std::unique_lock lock(mutex_);
  if (current_.data) {  // used up: back to the transfer
    spare_.push_back(std::move(current_.data));
    current_ = {};
  }
  got += take_queued(out + got, n - got);
  changed_.notify_all();  // room in the queue again
  if (got == n) return got;
  if (!finished_) {
    // Wait with the rest of the caller's buffer for the transfer to fill.
    waiting_out_ = out + got;
    waiting_capacity_ = n - got;
    waiting_filled_ = 0;
    changed_.wait(lock, [&] { return !waiting_out_ || finished_; });
    got += waiting_filled_;
    offset_ += waiting_filled_;
    waiting_out_ = nullptr;
    // What came after the transfer stopped filling this buffer (if it ended) is queued.
    got += take_queued(out + got, n - got);
  }
  if (got > 0) return got;
  if (error_) std::rethrow_exception(error_);
  throw Error(ErrorCode::IOError, store_.describe(key_),
              store_.describe(key_) + ": the transfer ended at byte " + std::to_string(offset_) + " of " +
                  std::to_string(size_));
}

}  // namespace

std::shared_ptr<S3Store> make_s3_store(S3StoreOptions options) {
  if (options.bucket.empty()) throw Error(ErrorCode::InvalidArgument, "s3://", "an s3:// URI needs a bucket name");
  if (!options.credentials) throw Error(ErrorCode::InvalidArgument, "credentials", "an S3 store needs a credential chain");
  return std::make_shared<S3StoreImpl>(std::move(options));
}

S3StoreOptions s3_options_from_config(const Config& config, const Environment& env, const std::string& store_uri) {
  if (store_uri.rfind("s3://", 0) != 0) {
    throw Error(ErrorCode::InvalidArgument, store_uri, "'" + store_uri + "' is not an s3:// URI");
  }
  std::string rest = store_uri.substr(5);
  S3StoreOptions o;
  o.bucket = rest.substr(0, rest.find('/'));
  o.prefix = rest.find('/') == std::string::npos ? "" : rest.substr(rest.find('/') + 1);
  o.endpoint = config.s3.endpoint;
  o.region = config.s3.region;
  o.path_style = config.s3.path_style;
  o.max_retries = config.s3.max_retries;
  o.stream_sequential_reads = config.s3.stream_sequential_reads;
  HttpOptions http;
  http.connect_timeout = config.s3.connect_timeout;
  http.request_timeout = config.s3.request_timeout;
  http.https_proxy = config.s3.https_proxy;
  http.http_proxy = config.s3.http_proxy;
  http.no_proxy = config.s3.no_proxy;
  http.ca_bundle = config.s3.ca_bundle;
  o.http = std::make_shared<HttpClient>(http);
  o.credentials = make_default_chain(config, env, o.http);
  return o;
}

}  // namespace neuralake::s3

#pragma once
// Where renderers write. Reports can be large (41,000 sockets); writing
// them in chunks to a sink keeps memory flat instead of building one string.

#include <string>
#include <string_view>

namespace portlens {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void write(std::string_view text) = 0;
};

/// Collects everything: for tests and small outputs.
class StringSink : public OutputSink {
 public:
  void write(std::string_view text) override { text_.append(text); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

/// Appends into a buffer and hands it to the sink in 64 KiB chunks.
class ChunkWriter {
 public:
  explicit ChunkWriter(OutputSink& sink) : sink_(sink) { buffer_.reserve(kChunk + 4096); }
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;
  ~ChunkWriter() { flush(); }

  std::string& buffer() { return buffer_; }
  /// Call after appending a record: passes the buffer on once it is large.
  void maybe_flush() {
    if (buffer_.size() >= kChunk) flush();
  }
  void flush() {
    if (!buffer_.empty()) sink_.write(buffer_);
    buffer_.clear();
  }

 private:
  static constexpr size_t kChunk = 64 * 1024;
  OutputSink& sink_;
  std::string buffer_;
};

}  // namespace portlens

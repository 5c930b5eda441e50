#include "render/encode.hpp"

#include "common/digest.hpp"

#include <zlib.h>

#include <stdexcept>

namespace twinning::render {

std::string gzip(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16 asks zlib for a gzip wrapper instead of a zlib one.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  out.resize(zs.total_out);
  return out;
}

std::string strong_etag(std::string_view data) { return "\"" + blake2b_hex(data, 16) + "\""; }

}  // namespace twinning::render

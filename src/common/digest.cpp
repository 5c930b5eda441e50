#include "common/digest.hpp"

#include <sodium.h>

#include <algorithm>
#include <vector>

namespace twinning {

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();  // the terminating NUL
  return hex;
}

std::string blake2b_hex(std::string_view data, std::size_t bytes) {
  bytes = std::clamp<std::size_t>(bytes, crypto_generichash_BYTES_MIN, crypto_generichash_BYTES_MAX);
  std::vector<unsigned char> hash(bytes);
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     nullptr, 0);
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  hex.pop_back();  // the terminating NUL
  return hex;
}

}  // namespace twinning

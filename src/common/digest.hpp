#pragma once
// Hex digests (BLAKE2b, libsodium) for content hashes, ETags and stored tokens.
#include <cstddef>
#include <string>
#include <string_view>

namespace twinning {

// `size` bytes as lower-case hex.
std::string to_hex(const unsigned char* data, std::size_t size);

// BLAKE2b of `data`, `bytes` long (16 to 64), as lower-case hex.
std::string blake2b_hex(std::string_view data, std::size_t bytes = 32);

}  // namespace twinning

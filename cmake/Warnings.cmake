# Warnings for every target of the project; errors when TWINNING_WERROR is on (CI turns it on).
add_library(twinning_warnings INTERFACE)
target_compile_options(twinning_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Werror=switch)
if(TWINNING_WERROR)
  target_compile_options(twinning_warnings INTERFACE -Werror)
endif()
# g++ 12 at -O2/-O3 reports impossible overlaps in std::string's operator+ (GCC bug 105329,
# fixed in 13): a false positive in libstdc++ that would fail every Release build under -Werror.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(twinning_warnings INTERFACE -Wno-restrict)
endif()

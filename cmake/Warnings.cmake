# Warnings for every target of the project; errors when TWINNING_WERROR is on (CI turns it on).
add_library(twinning_warnings INTERFACE)
target_compile_options(twinning_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Werror=switch)
if(TWINNING_WERROR)
  target_compile_options(twinning_warnings INTERFACE -Werror)
endif()

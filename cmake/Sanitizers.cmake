# ASan + UBSan for the whole build (library, tests and binary) when TWINNING_SANITIZE is on.
if(TWINNING_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# twinning_add_unit_test(NAME SOURCES...): a GoogleTest executable linked with the one library.
find_package(GTest REQUIRED)
include(GoogleTest)
function(twinning_add_unit_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE twinning_core twinning_warnings GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    TWINNING_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "TWINNING_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

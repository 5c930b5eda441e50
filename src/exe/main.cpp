// twinning's executable: wiring only; everything else lives in the twinning_core library.
#include "cli/cli.hpp"

int main(int argc, char** argv) { return twinning::cli::run(argc, argv); }

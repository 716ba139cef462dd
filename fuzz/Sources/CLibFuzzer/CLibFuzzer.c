// Nothing to compile: the target only exports the declaration in include/CLibFuzzer.h to Swift.
#include "CLibFuzzer.h"

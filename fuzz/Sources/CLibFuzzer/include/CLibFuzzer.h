// libFuzzer's driver, linked in by `-sanitize=fuzzer`: each fuzz target's `main` hands its arguments to it.
#ifndef TERRACE_CLIBFUZZER_H
#define TERRACE_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer (as its own `main` would) with the command line and the function to fuzz.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif

import FuzzSupport

// libFuzzer calls `fuzzManifest` (exported as `LLVMFuzzerTestOneInput`) with each input it generates.
FuzzInput.runLibFuzzer(fuzzManifest)

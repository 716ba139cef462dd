import FuzzSupport

// libFuzzer calls `fuzzHCL` (exported as `LLVMFuzzerTestOneInput`) with each input it generates.
FuzzInput.runLibFuzzer(fuzzHCL)

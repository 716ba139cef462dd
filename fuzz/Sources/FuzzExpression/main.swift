import FuzzSupport

// libFuzzer calls `fuzzExpression` (exported as `LLVMFuzzerTestOneInput`) with each input it generates.
FuzzInput.runLibFuzzer(fuzzExpression)

import FuzzSupport
import TerraceCore

/// libFuzzer's entry point: reads the input as a Terraform module's `.tf` file and as a `.tf.json` file, and
/// round-trips a string through ``HCLText/quoted(_:)`` and the HCL reader.
///
/// Checked beyond "no crash": every diagnostic names the file and a line of it, and quoting any text then
/// reading it back as a variable's description gives the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHCL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = FuzzInput.text(data, size)
    let lines = FuzzInput.lineCount(text)

    let hcl = ModuleDeclarations.read(hcl: text, path: "main.tf")
    for diagnostic in hcl.diagnostics {
        FuzzInput.checkLocation(diagnostic.location, file: "main.tf", lines: lines, "HCL diagnostic `\(diagnostic.message)`")
    }
    for variable in hcl.variables.values {
        FuzzInput.checkLocation(variable.location, file: "main.tf", lines: lines, "variable `\(variable.name)`")
    }

    let json = ModuleDeclarations.read(json: text, path: "main.tf.json")
    for diagnostic in json.diagnostics {
        FuzzInput.checkLocation(diagnostic.location, file: "main.tf.json", lines: lines, "JSON diagnostic `\(diagnostic.message)`")
    }
    _ = ModuleDeclarations.merging([hcl, json])

    // HCLText.quoted writes Terraform files Terrace generates: whatever the text, it must read back unchanged.
    let quoted = HCLText.quoted(text)
    let written = "variable \"v\" {\n  description = \(quoted)\n}\n"
    let read = ModuleDeclarations.read(hcl: written, path: "quoted.tf")
    FuzzInput.check(read.diagnostics.isEmpty, "HCLText.quoted output has diagnostics: \(read.diagnostics) for \(quoted)")
    FuzzInput.check(
        read.variables["v"]?.description == text,
        "HCLText.quoted does not round-trip: \(quoted) reads back as \(String(describing: read.variables["v"]?.description))")
    return 0
}

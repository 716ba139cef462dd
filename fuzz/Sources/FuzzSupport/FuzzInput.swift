import CLibFuzzer
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import TerraceCore

/// Helpers every fuzz target uses: starting libFuzzer, the input as text, async code run to completion, and
/// failed invariants.
public enum FuzzInput {
    /// The signature of `LLVMFuzzerTestOneInput`: the input's bytes and their count; returns 0.
    public typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer with the process's command line on `target`, and exits with libFuzzer's status.
    ///
    /// Each target's `main.swift` calls this: SwiftPM renames an executable's `main` (so tests can link it) and
    /// points `main` at the renamed top-level code, which replaces the `main` libFuzzer would bring.
    public static func runLibFuzzer(_ target: Target) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, target))
    }

    /// The input bytes as text; invalid UTF-8 becomes U+FFFD, as it does when Terrace reads a file.
    public static func text(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String {
        String(decoding: bytes(data, size), as: UTF8.self)
    }

    /// The input bytes (libFuzzer may pass no pointer for an empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
        guard let data, size > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: data, count: size)
    }

    /// Runs `body` on the concurrency pool and waits for its result (libFuzzer calls the target synchronously).
    public static func wait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        // The task stored a value before signalling, so this never takes the fallback path.
        guard let value = result.withLock({ $0 }) else { fatalError("fuzz: the task signalled without a result") }
        return value
    }

    /// Stops the run (libFuzzer records the input as a crash) when `condition` is false.
    public static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() { fatalError("fuzz invariant failed: \(message())") }
    }

    /// How many lines `text` has: one more than its newlines (a last line may be empty).
    public static func lineCount(_ text: String) -> Int {
        text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    /// Checks that a location in `file` has a real line and column: 1-based, the line within the `lines` of the text.
    /// With `allowWholeFile`, line 0 and column 0 (a location naming only the file) pass too.
    public static func checkLocation(
        _ location: SourceLocation, file: String, lines: Int, allowWholeFile: Bool = false, _ what: @autoclosure () -> String
    ) {
        guard location.file == file else { return }
        if allowWholeFile && location.line == 0 && location.column == 0 { return }
        check(location.line >= 1 && location.line <= lines, "\(what()): line \(location.line) outside 1...\(lines)")
        check(location.column >= 1, "\(what()): column \(location.column) < 1")
    }
}

/// A process-wide lock that lets one `terraform init` run at a time.
///
/// Terraform's provider plugin cache is not safe for concurrent writes: two inits unpacking the same
/// provider into it at once can leave a truncated binary or fail with "text file busy". Inits are
/// serialised always (not only while the cache is cold): with a warm cache an init takes about a
/// second and reruns skip it entirely, so the lock costs little, and it also covers a module that asks
/// for a provider version the cache does not hold yet. Waiters are served first come, first served.
actor InitLock {
    /// The lock shared by every executor in this process.
    static let shared = InitLock()

    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Waits until the lock is free and takes it. Pair with ``release()``.
    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Releases the lock, handing it to the longest waiter if any.
    func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

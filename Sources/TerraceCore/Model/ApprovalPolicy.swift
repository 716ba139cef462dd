/// When an infrastructure's plan waits for someone to approve it (`approval:` in its manifest).
public enum ApprovalPolicy: String, Hashable, Sendable, CaseIterable {
    /// Every change is applied as soon as it is planned (the default).
    case auto
    /// Every change waits for approval.
    case manual
    /// Only plans that delete something wait for approval; others are applied at once.
    case destroy
}

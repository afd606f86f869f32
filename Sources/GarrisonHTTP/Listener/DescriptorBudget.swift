#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The process's file-descriptor limit against what its listeners may hold open.
///
/// A listener's connection cap only refuses connections it could accept: once the process is out of
/// descriptors, `accept(2)` fails with `EMFILE` and new connections (mutual-TLS sync and ops among them) wait in
/// the kernel's backlog unanswered. So at start the daemon raises its soft limit to the hard one and says, once,
/// when its caps and its own descriptors could still exceed it.
public enum DescriptorBudget {
    /// Raises the soft `RLIMIT_NOFILE` to the hard limit; warns, naming the keys, when `caps` (listener name →
    /// its `max_connections`) plus `reserve` (database pool, event loops, files) exceed it.
    public static func check(caps: [(key: String, cap: Int)], reserve: Int, logger: Logger) {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        // rlim_t is unsigned and RLIM_INFINITY its maximum: clamp before converting, so nothing can trap.
        let limit = Int(clamping: min(limits.rlim_cur, rlim_t(Int.max)))
        let needed = caps.reduce(reserve) { $0.addingReportingOverflow($1.cap).partialValue }
        if needed > limit {
            logger.warning(
                "descriptor limit below the listeners' connection caps: a flood can exhaust it and stall every listener",
                metadata: [
                    "limit": "\(limit)", "needed": "\(needed)", "reserve": "\(reserve)",
                    "caps": "\(caps.map { "\($0.key)=\($0.cap)" }.joined(separator: " "))",
                    "fix": "raise LimitNOFILE= (the shipped units set 65536) or lower the max_connections keys",
                ])
        }
    }
}

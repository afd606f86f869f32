import Foundation

/// Runs long CPU-bound work on a thread of its own, off Swift's cooperative pool.
///
/// The pool has one thread per core (two here), and it is not preemptive: a simulation that computes for a minute
/// on one of them takes half the pool from every test beside it, and the hub tests' in-process servers answer
/// their requests on the same pool. A thread of its own is scheduled by the kernel, fairly, beside the pool.
enum OffPool {
    static func run<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}

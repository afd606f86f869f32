#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GarrisonPKI

/// Files the node's commands make for the daemon: never readable by everyone, and owned by the service user
/// when an operator makes them as root (`sudo garrison node enroll`, `sudo garrison node token issue`), so the
/// `User=garrison` unit can read them (issue 14: they were left root's).
public enum ServiceFiles {
    /// Sets `mode` on `path` and, when this process is root and the service user exists, gives the file to it.
    public static func settle(_ path: String, mode: mode_t) throws {
        guard chmod(path, mode) == 0 else { throw failure("chmod", path) }
        guard geteuid() == 0, let owner = getpwnam(CredentialCheck.serviceUser) else { return }
        guard chown(path, owner.pointee.pw_uid, owner.pointee.pw_gid) == 0 else { throw failure("chown", path) }
    }

    /// Creates an empty file at `path` with `mode` (settled as above) unless it exists: SQLite then keeps that
    /// mode and owner for its `-wal` and `-shm` files too.
    public static func create(_ path: String, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if descriptor < 0 {
            if errno == EEXIST { return }
            throw failure("create", path)
        }
        close(descriptor)
        try settle(path, mode: mode)
    }

    private static func failure(_ action: String, _ path: String) -> NodeStoreError {
        NodeStoreError("cannot \(action) \(path): \(String(cString: strerror(errno)))")
    }
}

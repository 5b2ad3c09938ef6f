import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing, run on NIO's blocking thread pool: one hash at cost 12 takes a quarter of a
/// second of CPU, which must never stall the cooperative pool.
struct PasswordHasher: Sendable {
    /// bcrypt cost (`BCRYPT_COST`, 4...31).
    var cost: UInt8

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}

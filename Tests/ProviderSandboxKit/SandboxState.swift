import Crypto
import Foundation
import Synchronization

/// Everything the running sandbox knows: accounts, received messages, per-message attempt
/// counters of the magic numbers, and the Telnyx signing key. Shared by the routes and the
/// callback dispatcher; hand one to `buildSandboxApplication` to inspect it in-process.
public final class SandboxState: Sendable {
    public let configuration: SandboxConfiguration
    let clock = SandboxClock()
    let store: MessageStore
    let telnyxKey: Curve25519.Signing.PrivateKey
    private let accounts: Mutex<[SandboxProvider: [String: SandboxAccount]]>
    private let attempts = Mutex<[String: Int]>([:])

    /// Builds the state. Accounts are taken as given: an incomplete one simply never
    /// authenticates (`init(environment:)` and `POST /sandbox/accounts` reject them up front).
    public init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        store = MessageStore(capacity: max(1, configuration.messageCapacity), clock: clock)
        if let seed = configuration.telnyxPrivateKeySeed {
            // Any 32 bytes are a valid Ed25519 seed; `init(environment:)` checks the length.
            precondition(seed.count == 32, "telnyxPrivateKeySeed must be 32 bytes")
            telnyxKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } else {
            telnyxKey = Curve25519.Signing.PrivateKey()
        }
        var table: [SandboxProvider: [String: SandboxAccount]] = [:]
        for account in configuration.accounts {
            table[account.provider, default: [:]][account.lookupKey] = account
        }
        accounts = Mutex(table)
    }

    // MARK: Accounts

    /// Adds or replaces an account (keyed by Account SID or API key).
    public func addAccount(_ account: SandboxAccount) throws {
        let account = try account.validated()
        accounts.withLock { $0[account.provider, default: [:]][account.lookupKey] = account }
    }

    /// Every configured account, by provider then key.
    public var allAccounts: [SandboxAccount] {
        accounts.withLock { table in
            SandboxProvider.allCases.flatMap { provider in
                (table[provider] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
            }
        }
    }

    /// The account of `provider` with this Account SID or API key.
    func account(_ provider: SandboxProvider, key: String) -> SandboxAccount? {
        accounts.withLock { $0[provider]?[key] }
    }

    /// The named account, or the first one configured for the provider.
    func account(_ provider: SandboxProvider, preferring key: String?) -> SandboxAccount? {
        accounts.withLock { table in
            guard let byKey = table[provider] else { return nil }
            if let key { return byKey[key] }
            return byKey.min { $0.key < $1.key }?.value
        }
    }

    // MARK: Messages

    /// The Telnyx webhook public key: base64 of the 32-byte raw Ed25519 key (`GET /sandbox/keys`).
    public var telnyxPublicKeyBase64: String {
        telnyxKey.publicKey.rawRepresentation.base64EncodedString()
    }

    /// The most recent `limit` received messages matching the filters, oldest first.
    public func messages(
        provider: SandboxProvider? = nil, from: String? = nil, to: String? = nil, limit: Int = 1000
    ) -> [SandboxReceivedMessage] {
        store.messages(provider: provider, from: from, to: to, limit: limit)
    }

    /// The received message with this provider id, if still kept.
    public func message(id: String) -> SandboxReceivedMessage? {
        store.message(id: id)
    }

    /// Counts per provider and per from-number, with 1-second window maxima.
    public var stats: SandboxStats { store.stats }

    /// Forgets received messages, counters and magic-number attempt counts.
    public func clearMessages() {
        store.clear()
        attempts.withLock { $0.removeAll() }
    }

    // MARK: Magic numbers

    /// Counts one attempt at the message identified by `key` and returns how many came before it.
    /// `succeeded` forgets the key, so the next send of the same message starts again.
    func priorAttempts(for key: String) -> Int {
        attempts.withLock { table in
            defer { table[key, default: 0] += 1 }
            return table[key] ?? 0
        }
    }

    func forgetAttempts(for key: String) {
        _ = attempts.withLock { $0.removeValue(forKey: key) }
    }
}

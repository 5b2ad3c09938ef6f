import Foundation
import RedisStore
import ServiceRuntime
import Testing
import WireModels

@testable import WebhookIngest

/// webhook-ingest keeps the owners of its numbers (entry and decrypted credentials) in memory and
/// never uses them stale: every change the gateway publishes bumps `sb:dir:version`, and the
/// publishing scripts refuse a request verified with an owner read at an older version.
/// Serialized: these tests bump the version that every harness in database 11 shares, and one
/// of them relies on it staying put.
@Suite(.serialized) struct DirectoryCacheTests {
    /// The routes whose credentials the harness can rotate (Telnyx signs with the sandbox's key pair).
    static let rotatableKinds = WebhookKind.allCases.filter { $0.provider != "telnyx" }

    @Test func aMissReadsTheNumberItsCredentialsAndTheVersionInOneRoundTrip() async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let redis = try harness.redisClient()
        let owners = DirectoryCache(redis: redis, secrets: SecretBox(key: harness.secretsKey))
        // The first call connects and loads the script; count the calls after it.
        #expect(try await owners.read(number: "+19999990001", organizationID: nil).number == nil)
        #expect(owners.cached(number: "+19999990001", organizationID: nil) == nil)
        let number = harness.numbers["twilio"]!
        let before = redis.statistics.roundTrips
        let owner = try await owners.read(number: number, organizationID: nil)
        #expect(redis.statistics.roundTrips - before == 1)
        #expect(owner.number?.organizationID == harness.organizationID)
        #expect(owner.credentials?.twilioAuthToken == harness.twilio.token)
        #expect(owner.credentials?.vonageSignatureSecret == harness.vonage.signature)
        #expect(owner.version == (try await redis.command("GET", RedisKey.directoryVersion).string ?? ""))
        #expect(owners.cached(number: number, organizationID: nil)?.number?.phoneNumber == number)
        await redis.shutdown()
    }

    @Test(arguments: rotatableKinds)
    func oldCredentialsAreRefusedOnTheVeryNextWebhookAfterARotation(kind: WebhookKind) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            // Caches the owner with the first credentials.
            #expect(
                try await harness.send(harness.request(kind, providerMessageID: kind.newProviderMessageID())).0 == 200)
            let rotated = "rotated-\(UUID().uuidString.prefix(8))"
            try await harness.rotateCredentials(to: rotated)

            let old = kind.newProviderMessageID()
            let refused = try await harness.send(harness.request(kind, providerMessageID: old))
            #expect(refused.0 == kind.refusedStatus, "a request signed with the rotated-out credential")
            let new = kind.newProviderMessageID()
            let accepted = try await harness.send(
                harness.request(kind, providerMessageID: new, signing: .secret(rotated)))
            #expect(accepted.0 == 200)
            let events = try await harness.waitForEvents(providerMessageID: new) { $0.count >= 2 }
            #expect(events.filter { $0.type != .webhookReceived }.count == 1)
            #expect(try await harness.events(providerMessageID: old).isEmpty, "the refused request published something")
        }
    }

    @Test(arguments: rotatableKinds)
    func newCredentialsAreAcceptedAtOnceWhileTheOldOnesAreCached(kind: WebhookKind) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            #expect(
                try await harness.send(harness.request(kind, providerMessageID: kind.newProviderMessageID())).0 == 200)
            let rotated = "rotated-\(UUID().uuidString.prefix(8))"
            try await harness.rotateCredentials(to: rotated)

            // The cached credentials fail this one; it is decided on a fresh read, which passes.
            let new = kind.newProviderMessageID()
            let accepted = try await harness.send(
                harness.request(kind, providerMessageID: new, signing: .secret(rotated)))
            #expect(accepted.0 == 200)
            let old = kind.newProviderMessageID()
            #expect(try await harness.send(harness.request(kind, providerMessageID: old)).0 == kind.refusedStatus)
            let events = try await harness.waitForEvents(providerMessageID: new) { $0.count >= 2 }
            #expect(events.filter { $0.type != .webhookReceived }.count == 1)
            #expect(try await harness.events(providerMessageID: old).isEmpty)
        }
    }

    @Test(arguments: WebhookKind.allCases)
    func aNumberRemovedFromTheDirectoryGets404OnTheNextWebhookThoughItWasCached(kind: WebhookKind) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            #expect(
                try await harness.send(harness.request(kind, providerMessageID: kind.newProviderMessageID())).0 == 200)
            try await harness.removeNumber(of: kind.provider)

            let id = kind.newProviderMessageID()
            let reply = try await harness.send(harness.request(kind, providerMessageID: id))
            #expect(reply.0 == 404)
            #expect(reply.1.contains("No organization holds phone number"))
            try await Task.sleep(for: .milliseconds(150))
            #expect(
                try await harness.events(providerMessageID: id).isEmpty,
                "a request for a removed number published something")
        }
    }

    @Test(arguments: WebhookKind.allCases)
    func aWebhookAnsweredFromTheCachePublishesExactlyOnce(kind: WebhookKind) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        let redis = try harness.redisClient()
        try await harness.run {
            #expect(
                try await harness.send(harness.request(kind, providerMessageID: kind.newProviderMessageID())).0 == 200)
            // From here only the cached owner can verify a request: the organization's entry is
            // gone from Redis, while the directory version (unchanged) says the cache is current.
            _ = try await redis.command("DEL", RedisKey.directoryOrganization(harness.organizationID))

            let id = kind.newProviderMessageID()
            let request = try harness.request(kind, providerMessageID: id)
            #expect(try await harness.send(request).0 == 200)
            #expect(try await harness.send(request).0 == 200, "the replay is answered as a duplicate")
            _ = try await harness.waitForEvents(providerMessageID: id) { $0.count >= 2 }
            try await Task.sleep(for: .milliseconds(200))
            let events = try await harness.events(providerMessageID: id)
            #expect(events.filter { $0.type != .webhookReceived }.count == 1, "\(events.map(\.type))")
            #expect(events.filter { $0.type == .webhookReceived }.count == 1)
        }
        await redis.shutdown()
    }

    @Test(arguments: WebhookKind.allCases)
    func aWebhookRetriedAfterTheDirectoryChangedPublishesExactlyOnce(kind: WebhookKind) async throws {
        let harness = try IngestHarness()
        try await harness.publishDirectory()
        try await harness.run {
            #expect(
                try await harness.send(harness.request(kind, providerMessageID: kind.newProviderMessageID())).0 == 200)
            // Any change bumps the version: the cached owner is stale, the script answers so, and
            // the request is verified again and published on the second try.
            try await harness.changeDirectory([])

            let id = kind.newProviderMessageID()
            #expect(try await harness.send(harness.request(kind, providerMessageID: id)).0 == 200)
            _ = try await harness.waitForEvents(providerMessageID: id) { $0.count >= 2 }
            try await Task.sleep(for: .milliseconds(200))
            let events = try await harness.events(providerMessageID: id)
            #expect(events.filter { $0.type != .webhookReceived }.count == 1, "\(events.map(\.type))")
            #expect(events.filter { $0.type == .webhookReceived }.count == 1)
        }
    }
}

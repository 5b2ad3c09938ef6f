import Testing
import WireModels

@Suite struct RedisKeyTests {
    @Test func publicNamesMatchTheContract() {
        #expect(RedisKey.queue(provider: "twilio") == "sms:queue:twilio")
        #expect(RedisKey.events == "sms:events")
        #expect(RedisKey.session(customerPhone: "+15551234567", assistantID: 42) == "sms:session:+15551234567:42")
        #expect(RedisKey.callsIngest == "calls:ingest")
        #expect(RedisKey.senderGroup == "sender")
        #expect(RedisKey.payloadField == "payload")
    }

    @Test func processNamesAndPortsMatchTheContract() {
        #expect(ServiceName.allCases.map(\.rawValue) == ["gateway", "sender", "webhook-ingest", "log-indexer", "session-manager"])
        #expect(ServiceName.allCases.map(\.defaultPort) == [8080, 8081, 8082, 8083, 8084])
        #expect(ServiceName.webhookIngest.logLabel == "switchboard.webhook-ingest")
    }
}

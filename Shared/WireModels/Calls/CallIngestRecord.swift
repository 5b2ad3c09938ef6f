/// A call record another system pushes to the `calls:ingest` stream (field `payload`) so that it
/// appears in `GET /api/v1/calls`. Records are upserted by `(organization_id, call_sid)`: push the
/// same call again (say `ongoing`, then `completed` with its costs) to update it. The JSON Schema is
/// in docs/redis.md.
public struct CallIngestRecord: Codable, Sendable, Equatable {
    /// The call statuses a record may carry.
    public static let statuses: Set<String> = ["ongoing", "completed", "failed"]

    public var schemaVersion: Int
    public var organizationID: Int
    /// The provider's call identifier; unique per organization.
    public var callSID: String
    public var assistantID: Int
    /// A snapshot of the assistant's name; when absent, the directory's current name is used.
    public var assistantName: String?
    public var flowName: String?
    /// The organization's number that was called (or called out).
    public var toPhoneNumber: String
    public var customerPhoneNumber: String
    /// `inbound` (default) or `outbound`.
    public var direction: String?
    /// `ongoing`, `completed` or `failed`.
    public var status: String
    /// Seconds, at least 0.
    public var duration: Int?
    /// ISO 8601.
    public var startedAt: String
    public var endedAt: String?
    public var callMeta: [String: JSONValue]?
    public var totalCost: Double?
    public var llmCost: Double?
    public var ttsCost: Double?
    public var sttCost: Double?
    public var telephonyCost: Double?
    /// ISO 4217 code, such as `USD`.
    public var costCurrency: String?

    public init(
        organizationID: Int, callSID: String, assistantID: Int, assistantName: String? = nil, flowName: String? = nil,
        toPhoneNumber: String, customerPhoneNumber: String, direction: String? = nil, status: String, duration: Int? = nil,
        startedAt: String, endedAt: String? = nil, callMeta: [String: JSONValue]? = nil, totalCost: Double? = nil,
        llmCost: Double? = nil, ttsCost: Double? = nil, sttCost: Double? = nil, telephonyCost: Double? = nil,
        costCurrency: String? = nil
    ) {
        self.schemaVersion = SchemaVersion.current
        self.organizationID = organizationID
        self.callSID = callSID
        self.assistantID = assistantID
        self.assistantName = assistantName
        self.flowName = flowName
        self.toPhoneNumber = toPhoneNumber
        self.customerPhoneNumber = customerPhoneNumber
        self.direction = direction
        self.status = status
        self.duration = duration
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.callMeta = callMeta
        self.totalCost = totalCost
        self.llmCost = llmCost
        self.ttsCost = ttsCost
        self.sttCost = sttCost
        self.telephonyCost = telephonyCost
        self.costCurrency = costCurrency
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case organizationID = "organization_id"
        case callSID = "call_sid"
        case assistantID = "assistant_id"
        case assistantName = "assistant_name"
        case flowName = "flow_name"
        case toPhoneNumber = "to_phone_number"
        case customerPhoneNumber = "customer_phone_number"
        case direction, status, duration
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case callMeta = "call_meta"
        case totalCost = "total_cost"
        case llmCost = "llm_cost"
        case ttsCost = "tts_cost"
        case sttCost = "stt_cost"
        case telephonyCost = "telephony_cost"
        case costCurrency = "cost_currency"
    }
}

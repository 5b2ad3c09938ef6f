/// One call record as `GET /api/v1/calls` lists it (voice calls pushed to `calls:ingest`, and SMS
/// conversations with `call_meta.channel == "sms"`). Every field is present; unknown ones are `null`.
public struct CallResponse: Codable, Sendable, Equatable {
    public var id: Int
    public var callSID: String
    public var assistantID: Int
    public var assistantName: String?
    public var flowName: String?
    /// The organization's number.
    public var toPhoneNumber: String
    public var customerPhoneNumber: String
    /// `ongoing`, `completed` or `failed`.
    public var status: String
    /// Seconds.
    public var duration: Int?
    public var startedAt: String?
    public var endedAt: String?
    public var callMeta: [String: JSONValue]?
    public var totalCost: Double?
    public var llmCost: Double?
    public var ttsCost: Double?
    public var sttCost: Double?
    public var telephonyCost: Double?
    public var costCurrency: String?

    public init(
        id: Int, callSID: String, assistantID: Int, assistantName: String?, flowName: String?, toPhoneNumber: String,
        customerPhoneNumber: String, status: String, duration: Int?, startedAt: String?, endedAt: String?,
        callMeta: [String: JSONValue]?, totalCost: Double?, llmCost: Double?, ttsCost: Double?, sttCost: Double?,
        telephonyCost: Double?, costCurrency: String?
    ) {
        self.id = id
        self.callSID = callSID
        self.assistantID = assistantID
        self.assistantName = assistantName
        self.flowName = flowName
        self.toPhoneNumber = toPhoneNumber
        self.customerPhoneNumber = customerPhoneNumber
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
        case id
        case callSID = "call_sid"
        case assistantID = "assistant_id"
        case assistantName = "assistant_name"
        case flowName = "flow_name"
        case toPhoneNumber = "to_phone_number"
        case customerPhoneNumber = "customer_phone_number"
        case status, duration
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

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(callSID, forKey: .callSID)
        try container.encode(assistantID, forKey: .assistantID)
        try container.encode(assistantName, forKey: .assistantName)
        try container.encode(flowName, forKey: .flowName)
        try container.encode(toPhoneNumber, forKey: .toPhoneNumber)
        try container.encode(customerPhoneNumber, forKey: .customerPhoneNumber)
        try container.encode(status, forKey: .status)
        try container.encode(duration, forKey: .duration)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(callMeta, forKey: .callMeta)
        try container.encode(totalCost, forKey: .totalCost)
        try container.encode(llmCost, forKey: .llmCost)
        try container.encode(ttsCost, forKey: .ttsCost)
        try container.encode(sttCost, forKey: .sttCost)
        try container.encode(telephonyCost, forKey: .telephonyCost)
        try container.encode(costCurrency, forKey: .costCurrency)
    }
}

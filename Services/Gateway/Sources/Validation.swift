import Foundation
import ServiceRuntime
import WireModels

/// Input rules of the admin API. Each failure is a 422 naming the field.
enum Validation {
    static func requireText(_ value: String?, field: String, max: Int = 255) throws -> String {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw APIError.unprocessable("\(field) must not be empty")
        }
        try checkLength(value, field: field, max: max)
        return value
    }

    static func checkLength(_ value: String?, field: String, max: Int) throws {
        if let value, value.count > max {
            throw APIError.unprocessable("\(field) must be at most \(max) characters")
        }
    }

    static func email(_ value: String) throws -> String {
        let email = value.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@")
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !email.contains(where: { $0.isWhitespace })
        else { throw APIError.unprocessable("email is not a valid email address") }
        return email
    }

    static func password(_ value: String) throws {
        guard value.count >= 8, value.utf8.count <= 72 else {
            // bcrypt reads at most 72 bytes; longer passwords would be silently truncated.
            throw APIError.unprocessable("password must be 8 to 72 bytes long")
        }
    }

    static func webhookURL(_ value: String?, field: String) throws -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        try checkLength(value, field: field, max: 2048)
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { throw APIError.unprocessable("\(field) must be an http or https URL") }
        return value
    }

    static func phoneNumber(_ value: String) throws -> String {
        guard PhoneNumberFormat.isE164(value) else {
            throw APIError.unprocessable("Invalid phone_number format. Use E.164 format (e.g., +1234567890)")
        }
        return value
    }

    static func provider(_ value: String) throws -> String {
        let provider = value.lowercased()
        guard PhoneNumberFormat.providers.contains(provider) else {
            throw APIError.unprocessable("provider must be one of twilio, telnyx, vonage")
        }
        return provider
    }

    static func credentials(_ request: UpdateOrganizationRequest) throws {
        for (field, value) in request.setStrings {
            try checkLength(value, field: field, max: field == "name" ? 255 : 512)
        }
        if case .set(let name) = request.name { _ = try requireText(name, field: "name") }
        if let key = request.telnyxPublicKey.value, Data(base64Encoded: key)?.count != 32 {
            throw APIError.unprocessable("telnyx_public_key must be base64 of a 32-byte Ed25519 public key")
        }
    }

    static func llmSettings(_ settings: LLMSettings?) throws {
        guard let settings else { return }
        try checkLength(settings.model, field: "llm_settings.model", max: 255)
        try checkLength(settings.systemPrompt, field: "llm_settings.system_prompt", max: 20_000)
        if let temperature = settings.temperature, !(0...2).contains(temperature) {
            throw APIError.unprocessable("llm_settings.temperature must be from 0 to 2")
        }
        if let maxTokens = settings.maxTokens, !(1...1_000_000).contains(maxTokens) {
            throw APIError.unprocessable("llm_settings.max_tokens must be from 1 to 1000000")
        }
    }
}

import Foundation
import ServiceRuntime
import WireModels

/// Renders a conversation as a downloadable file: plain text, CSV or JSON.
enum ConversationExport {
    enum Format: String, Sendable {
        case txt, csv, json

        var contentType: String {
            switch self {
            case .txt: "text/plain; charset=utf-8"
            case .csv: "text/csv; charset=utf-8"
            case .json: "application/json"
            }
        }

        func filename(conversationID: Int) -> String { "sms_conversation_\(conversationID).\(rawValue)" }
    }

    /// The JSON export: the conversation and its messages.
    struct Document: Encodable {
        var conversation: SMSConversation
        var messages: [SMSConversationMessage]
    }

    static func render(_ conversation: SMSConversation, messages: [SMSConversationMessage], as format: Format) throws -> String {
        switch format {
        case .txt:
            var lines = [
                "SMS conversation \(conversation.id)",
                "Session: \(conversation.sessionID)",
                "Assistant: \(conversation.assistantName) (\(conversation.assistantID)) \(conversation.assistantPhoneNumber)",
                "Customer: \(conversation.customerPhoneNumber)",
                "Status: \(conversation.status)",
                "Started: \(conversation.startedAt)",
                "Last activity: \(conversation.lastActivity)",
                "Ended: \(conversation.endedAt ?? "-")",
                "Messages: \(conversation.messageCount)",
                "",
            ]
            for message in messages {
                let speaker = message.role == "user" ? "Customer" : "Assistant"
                lines.append("[\(message.timestamp)] \(speaker): \(message.content)")
            }
            return lines.joined(separator: "\n") + "\n"
        case .csv:
            var rows = ["message_index,timestamp,role,content,llm_provider,llm_model"]
            for message in messages {
                rows.append(
                    [
                        String(message.messageIndex), message.timestamp, message.role, message.content, message.llmProvider ?? "",
                        message.llmModel ?? "",
                    ].map(csvField).joined(separator: ","))
            }
            return rows.joined(separator: "\r\n") + "\r\n"
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            return String(decoding: try encoder.encode(Document(conversation: conversation, messages: messages)), as: UTF8.self)
        }
    }

    /// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled.
    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import HTTPTypes
import Hummingbird
import ServiceRuntime
import WireModels

/// `POST /internal/send`: the gateway's immediate sends (`queue: false`).
struct InternalSendController: Sendable {
    let dispatcher: MessageDispatcher

    func addRoutes(to router: Router<BasicRequestContext>) {
        // POST /internal/send
        router.post("internal/send") { request, context in
            let envelope = try await request.decodeJSON(QueueEnvelope.self, context: context)
            // The gateway puts the owner in the envelope; a header, when sent, must agree with it.
            if let header = request.headers[HTTPField.Name(InternalHeaders.organizationID)!],
                header != envelope.organizationID.map(String.init)
            {
                throw APIError.badRequest("\(InternalHeaders.organizationID) does not match the envelope's organization_id")
            }
            return try jsonResponse(try await dispatcher.sendNow(envelope))
        }
    }
}

import Hummingbird

/// The provider webhook routes of the contract. They are public (not behind the internal token):
/// each request is checked by its provider signature instead.
struct WebhookController: Sendable {
    let processor: WebhookProcessor

    func addRoutes(to router: Router<BasicRequestContext>) {
        // POST /webhooks/sms/twilio: inbound messages (form post).
        router.post("/webhooks/sms/twilio") { request, context in
            try await processor.handle(request, route: .twilioInbound, context: context)
        }
        // POST /webhooks/status/twilio: the send's StatusCallback.
        router.post("/webhooks/status/twilio") { request, context in
            try await processor.handle(request, route: .twilioStatus, context: context)
        }
        // POST /webhooks/sms/telnyx: every Telnyx message event.
        router.post("/webhooks/sms/telnyx") { request, context in
            try await processor.handle(request, route: .telnyx, context: context)
        }
        // GET|POST /webhooks/sms/vonage: inbound (Messages API JSON, or SMS API query or form).
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/webhooks/sms/vonage", method: method) { request, context in
                try await processor.handle(request, route: .vonageInbound, context: context)
            }
            // GET|POST /webhooks/status/vonage: delivery status and receipts.
            router.on("/webhooks/status/vonage", method: method) { request, context in
                try await processor.handle(request, route: .vonageStatus, context: context)
            }
        }
    }
}

import ServiceRuntime
import WebhookIngest

await ServiceMain.run(process: "webhook-ingest") {
    let configuration = try WebhookIngestConfiguration()
    try await buildApplication(configuration: configuration).runService()
}

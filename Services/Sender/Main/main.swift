import Sender
import ServiceRuntime

await ServiceMain.run(process: "sender") {
    let configuration = try SenderConfiguration()
    try await buildApplication(configuration: configuration).runService()
}

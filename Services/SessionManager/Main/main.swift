import SessionManager
import ServiceRuntime

await ServiceMain.run(process: "session-manager") {
    let configuration = try SessionManagerConfiguration()
    try await buildApplication(configuration: configuration).runService()
}

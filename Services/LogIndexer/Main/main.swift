import LogIndexer
import ServiceRuntime

await ServiceMain.run(process: "log-indexer") {
    let configuration = try LogIndexerConfiguration()
    try await buildApplication(configuration: configuration).runService()
}

/// The `schema_version` every document on a public Redis stream carries.
public enum SchemaVersion {
    /// Current version of the queue envelope, events and session documents.
    public static let current = 1
}

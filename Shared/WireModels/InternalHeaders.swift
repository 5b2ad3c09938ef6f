/// Headers the gateway adds to every request it forwards to an internal service.
public enum InternalHeaders {
    /// The shared secret between services (`INTERNAL_TOKEN`).
    public static let token = "X-Internal-Token"
    /// The caller's organization id.
    public static let organizationID = "X-Switchboard-Organization-Id"
    /// The caller's user id, when the caller is a user (API keys belong to users too).
    public static let userID = "X-Switchboard-User-Id"
    /// The request id of the gateway request, so logs of both processes line up.
    public static let requestID = "X-Request-Id"
}

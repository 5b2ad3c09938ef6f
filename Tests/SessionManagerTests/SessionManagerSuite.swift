import Testing

/// Every session-manager suite shares Redis database 10, so they all nest in this serialized
/// suite and never run at the same time as each other.
@Suite(.serialized) struct SessionManagerSuite {}

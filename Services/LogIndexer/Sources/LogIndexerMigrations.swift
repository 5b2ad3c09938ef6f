import GRDB
import SQLiteStore

/// log-indexer's schema, in order. Each migration runs once per database file.
///
/// - `sms_log`: one row per message, inbound or outbound, updated as its status moves. Times are
///   Unix milliseconds. A row created by a delivery receipt that arrived before the message's own
///   events has no `message_id` yet and is adopted or merged when they come.
/// - `sms_log_fts`: FTS5 over `sms_log.body` (external content, kept in sync by triggers).
/// - `sms_log_hourly`: log counts per organization, hour, direction, status and provider, kept by
///   triggers; stats and unfiltered totals read it instead of scanning logs.
/// - `sms_event`: every event consumed (deduplicated by `event_id`), as a timeline line, with the
///   provider's raw payload when it carried one.
/// - `conversation`, `conversation_message`: the conversations (call ids) seen on `sms:events`,
///   their owner, and which message belongs to which; archived ones stay as tombstones so late
///   events for them are dropped.
package enum LogIndexerMigrations {
    package static let all: [SQLiteMigration] = [
        SQLiteMigration("v1-sms-log") { db in
            try db.execute(sql: smsLog)
            try db.execute(sql: ftsAndRollup)
            try db.execute(sql: eventsAndConversations)
        }
    ]

    private static let smsLog = """
        CREATE TABLE sms_log (
            id INTEGER PRIMARY KEY,
            organization_id INTEGER,
            message_id TEXT UNIQUE,
            conversation_id INTEGER,
            provider TEXT,
            provider_message_id TEXT,
            direction TEXT NOT NULL,
            from_number TEXT,
            to_number TEXT,
            body TEXT,
            media_urls TEXT,
            segment_count INTEGER,
            encoding TEXT,
            assistant_id INTEGER,
            status TEXT NOT NULL,
            status_rank INTEGER NOT NULL,
            status_at INTEGER NOT NULL,
            provider_status TEXT,
            receipt_rank INTEGER NOT NULL DEFAULT 0,
            receipt_at INTEGER NOT NULL DEFAULT 0,
            error_code TEXT,
            error_message TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        -- Every list filter is "organization + one column", newest first; rowid breaks ties.
        CREATE INDEX sms_log_org_created ON sms_log(organization_id, created_at);
        CREATE INDEX sms_log_org_provider ON sms_log(organization_id, provider, created_at);
        CREATE INDEX sms_log_org_status ON sms_log(organization_id, status, created_at);
        CREATE INDEX sms_log_org_direction ON sms_log(organization_id, direction, created_at);
        CREATE INDEX sms_log_org_from ON sms_log(organization_id, from_number, created_at);
        CREATE INDEX sms_log_org_to ON sms_log(organization_id, to_number, created_at);
        CREATE INDEX sms_log_org_assistant ON sms_log(organization_id, assistant_id, created_at);
        -- Retention prunes across organizations.
        CREATE INDEX sms_log_created ON sms_log(created_at);
        CREATE INDEX sms_log_provider_message ON sms_log(provider_message_id) WHERE provider_message_id IS NOT NULL;
        CREATE INDEX sms_log_conversation ON sms_log(conversation_id) WHERE conversation_id IS NOT NULL;
        """

    private static let ftsAndRollup = """
        CREATE VIRTUAL TABLE sms_log_fts USING fts5(
            body, content='sms_log', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER sms_log_fts_insert AFTER INSERT ON sms_log WHEN new.body IS NOT NULL BEGIN
            INSERT INTO sms_log_fts(rowid, body) VALUES (new.id, new.body);
        END;
        CREATE TRIGGER sms_log_fts_delete AFTER DELETE ON sms_log WHEN old.body IS NOT NULL BEGIN
            INSERT INTO sms_log_fts(sms_log_fts, rowid, body) VALUES ('delete', old.id, old.body);
        END;
        CREATE TRIGGER sms_log_fts_update AFTER UPDATE OF body ON sms_log WHEN old.body IS NOT new.body BEGIN
            INSERT INTO sms_log_fts(sms_log_fts, rowid, body) SELECT 'delete', old.id, old.body WHERE old.body IS NOT NULL;
            INSERT INTO sms_log_fts(rowid, body) SELECT new.id, new.body WHERE new.body IS NOT NULL;
        END;

        CREATE TABLE sms_log_hourly (
            organization_id INTEGER NOT NULL,
            hour INTEGER NOT NULL,
            direction TEXT NOT NULL,
            status TEXT NOT NULL,
            provider TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (organization_id, hour, direction, status, provider)
        ) WITHOUT ROWID;
        CREATE TRIGGER sms_log_hourly_insert AFTER INSERT ON sms_log WHEN new.organization_id IS NOT NULL BEGIN
            INSERT INTO sms_log_hourly VALUES
                (new.organization_id, new.created_at / 3600000, new.direction, new.status, coalesce(new.provider, ''), 1)
                ON CONFLICT DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER sms_log_hourly_delete AFTER DELETE ON sms_log WHEN old.organization_id IS NOT NULL BEGIN
            UPDATE sms_log_hourly SET count = count - 1
            WHERE organization_id = old.organization_id AND hour = old.created_at / 3600000
              AND direction = old.direction AND status = old.status AND provider = coalesce(old.provider, '');
        END;
        CREATE TRIGGER sms_log_hourly_update
        AFTER UPDATE OF organization_id, created_at, direction, status, provider ON sms_log
        WHEN old.organization_id IS NOT new.organization_id OR old.created_at / 3600000 != new.created_at / 3600000
          OR old.direction IS NOT new.direction OR old.status IS NOT new.status OR old.provider IS NOT new.provider
        BEGIN
            UPDATE sms_log_hourly SET count = count - 1
            WHERE old.organization_id IS NOT NULL AND organization_id = old.organization_id
              AND hour = old.created_at / 3600000 AND direction = old.direction AND status = old.status
              AND provider = coalesce(old.provider, '');
            INSERT INTO sms_log_hourly
                SELECT new.organization_id, new.created_at / 3600000, new.direction, new.status, coalesce(new.provider, ''), 1
                WHERE new.organization_id IS NOT NULL
                ON CONFLICT DO UPDATE SET count = count + 1;
        END;
        """

    private static let eventsAndConversations = """
        CREATE TABLE sms_event (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            organization_id INTEGER,
            log_id INTEGER REFERENCES sms_log(id) ON DELETE CASCADE,
            conversation_id INTEGER,
            message_id TEXT,
            provider TEXT,
            provider_message_id TEXT,
            event_type TEXT NOT NULL,
            level TEXT NOT NULL,
            message TEXT NOT NULL,
            event_data TEXT,
            raw_payload TEXT,
            occurred_at INTEGER NOT NULL
        );
        CREATE INDEX sms_event_log ON sms_event(log_id, occurred_at) WHERE log_id IS NOT NULL;
        CREATE INDEX sms_event_conversation ON sms_event(conversation_id, occurred_at) WHERE conversation_id IS NOT NULL;
        CREATE INDEX sms_event_occurred ON sms_event(occurred_at);
        -- Events whose message has no log yet (an audit event before the message's own events);
        -- these partial indexes stay tiny because nearly every event is linked when stored.
        CREATE INDEX sms_event_orphan_message ON sms_event(message_id) WHERE log_id IS NULL AND message_id IS NOT NULL;
        CREATE INDEX sms_event_orphan_provider ON sms_event(provider_message_id)
            WHERE log_id IS NULL AND provider_message_id IS NOT NULL;

        CREATE TABLE conversation (
            id INTEGER PRIMARY KEY,
            organization_id INTEGER,
            assistant_id INTEGER,
            status TEXT NOT NULL DEFAULT 'active',
            updated_at INTEGER NOT NULL,
            archived_at INTEGER
        );
        CREATE INDEX conversation_updated ON conversation(updated_at);
        CREATE TABLE conversation_message (
            message_id TEXT PRIMARY KEY,
            conversation_id INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX conversation_message_conversation ON conversation_message(conversation_id);
        """
}

import GRDB
import SQLiteStore

/// session-manager's schema, in order. Each migration runs once per database file.
///
/// Conversations are SMS-channel rows of `call_records`; voice calls pushed to `calls:ingest` are
/// voice-channel rows of the same table, so `GET /api/v1/calls` reads one table. Times are Unix
/// milliseconds. The indexes follow the list filters: every list is scoped to an organization and
/// ordered by `started_at` (newest first), and SQLite appends the rowid to every index, so
/// `ORDER BY started_at DESC, id DESC` walks an index without sorting.
package enum SessionManagerMigrations {
    package static let all: [SQLiteMigration] = [
        SQLiteMigration("v1-call-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE call_records (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        organization_id INTEGER NOT NULL,
                        channel TEXT NOT NULL,
                        call_sid TEXT NOT NULL,
                        session_id TEXT,
                        assistant_id INTEGER NOT NULL,
                        assistant_name TEXT,
                        flow_name TEXT,
                        to_phone_number TEXT NOT NULL,
                        customer_phone_number TEXT NOT NULL,
                        direction TEXT NOT NULL,
                        status TEXT NOT NULL,
                        duration INTEGER,
                        message_count INTEGER NOT NULL DEFAULT 0,
                        started_at INTEGER NOT NULL,
                        last_activity INTEGER NOT NULL,
                        ended_at INTEGER,
                        call_meta TEXT,
                        sms_deleted INTEGER NOT NULL DEFAULT 0,
                        total_cost REAL,
                        llm_cost REAL,
                        tts_cost REAL,
                        stt_cost REAL,
                        telephony_cost REAL,
                        cost_currency TEXT
                    );
                    -- Voice records are upserted by their call SID.
                    CREATE UNIQUE INDEX call_records_voice_sid ON call_records(organization_id, call_sid) WHERE channel = 'voice';
                    -- GET /api/v1/calls
                    CREATE INDEX call_records_org_started ON call_records(organization_id, started_at);
                    CREATE INDEX call_records_org_status_started ON call_records(organization_id, status, started_at);
                    CREATE INDEX call_records_org_assistant_started ON call_records(organization_id, assistant_id, started_at);
                    CREATE INDEX call_records_org_assistant_status_started
                        ON call_records(organization_id, assistant_id, status, started_at);
                    -- related records, and the customer filter of conversations
                    CREATE INDEX call_records_org_customer_started ON call_records(organization_id, customer_phone_number, started_at);
                    -- GET /api/v1/sms-conversations/: channel and sms_deleted are equality columns
                    -- of the index (not a partial-index condition) so the planner always picks
                    -- these for both the page and its COUNT.
                    CREATE INDEX conversations_org_started ON call_records(organization_id, channel, sms_deleted, started_at);
                    CREATE INDEX conversations_org_status_started
                        ON call_records(organization_id, channel, sms_deleted, status, started_at);
                    CREATE INDEX conversations_org_assistant_started
                        ON call_records(organization_id, channel, sms_deleted, assistant_id, started_at);
                    -- The active conversation of a customer and an assistant, and the session sweeper.
                    CREATE INDEX conversations_active_pair ON call_records(assistant_id, customer_phone_number)
                        WHERE channel = 'sms' AND status = 'ongoing' AND sms_deleted = 0;
                    CREATE INDEX conversations_active_activity ON call_records(last_activity)
                        WHERE channel = 'sms' AND status = 'ongoing' AND sms_deleted = 0;

                    -- Substring search of GET /api/v1/calls on the identifiers (customer_phone, call_sid):
                    -- a trigram index answers LIKE '%term%' for terms of 3 characters or more.
                    -- (assistant_name is left out: an organization has few names, so a name term
                    -- matches a large share of rows and a scan is faster than the index.)
                    CREATE VIRTUAL TABLE call_search USING fts5(
                        customer_phone_number, call_sid,
                        content = 'call_records', content_rowid = 'id', tokenize = 'trigram');
                    CREATE TRIGGER call_records_search_insert AFTER INSERT ON call_records BEGIN
                        INSERT INTO call_search (rowid, customer_phone_number, call_sid)
                        VALUES (new.id, new.customer_phone_number, new.call_sid);
                    END;
                    CREATE TRIGGER call_records_search_update
                    AFTER UPDATE OF customer_phone_number, call_sid ON call_records BEGIN
                        INSERT INTO call_search (call_search, rowid, customer_phone_number, call_sid)
                        VALUES ('delete', old.id, old.customer_phone_number, old.call_sid);
                        INSERT INTO call_search (rowid, customer_phone_number, call_sid)
                        VALUES (new.id, new.customer_phone_number, new.call_sid);
                    END;

                    CREATE TABLE chat_messages (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        conversation_id INTEGER NOT NULL REFERENCES call_records(id),
                        message_id TEXT NOT NULL,
                        role TEXT NOT NULL,
                        content TEXT NOT NULL,
                        timestamp INTEGER NOT NULL,
                        message_index INTEGER NOT NULL,
                        llm_provider TEXT,
                        llm_model TEXT
                    );
                    CREATE UNIQUE INDEX chat_messages_conversation_index ON chat_messages(conversation_id, message_index);

                    -- Every message id already stored (kept after an archive, so a replayed event
                    -- never brings a purged message back); pruned after PROCESSED_MESSAGE_RETENTION_DAYS.
                    CREATE TABLE processed_messages (
                        message_id TEXT PRIMARY KEY,
                        conversation_id INTEGER NOT NULL,
                        started_conversation INTEGER NOT NULL,
                        processed_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX processed_messages_processed_at ON processed_messages(processed_at);

                    -- Inbound texts waiting to be forwarded to their assistant's webhook.
                    CREATE TABLE forward_outbox (
                        message_id TEXT PRIMARY KEY,
                        organization_id INTEGER NOT NULL,
                        assistant_id INTEGER NOT NULL,
                        conversation_id INTEGER NOT NULL,
                        body TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL,
                        first_attempt_at INTEGER,
                        next_attempt_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX forward_outbox_due ON forward_outbox(next_attempt_at);
                    CREATE INDEX forward_outbox_conversation ON forward_outbox(conversation_id);
                    """)
        }
    ]
}

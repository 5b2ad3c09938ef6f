import GRDB
import SQLiteStore

/// The gateway's schema, in order. Each migration runs once per database file.
enum GatewayMigrations {
    static let all: [SQLiteMigration] = [
        SQLiteMigration("v1-tenancy") { db in
            try db.execute(
                sql: """
                    CREATE TABLE organizations (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        sealed_credentials TEXT,
                        created_at DOUBLE NOT NULL,
                        updated_at DOUBLE NOT NULL
                    );
                    CREATE TABLE users (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        password_hash TEXT NOT NULL,
                        full_name TEXT,
                        role TEXT NOT NULL DEFAULT 'admin',
                        is_active BOOLEAN NOT NULL DEFAULT 1,
                        created_at DOUBLE NOT NULL,
                        last_login_at DOUBLE
                    );
                    CREATE INDEX users_organization ON users(organization_id);
                    CREATE TABLE api_keys (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        key_prefix TEXT NOT NULL,
                        key_hash TEXT NOT NULL UNIQUE,
                        created_at DOUBLE NOT NULL,
                        last_used_at DOUBLE,
                        revoked_at DOUBLE
                    );
                    CREATE INDEX api_keys_user ON api_keys(user_id);
                    CREATE TABLE assistants (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        description TEXT,
                        sms_webhook_url TEXT,
                        sealed_webhook_secret TEXT NOT NULL,
                        llm_provider TEXT,
                        llm_base_url TEXT,
                        sealed_llm_api_key TEXT,
                        llm_settings TEXT,
                        sms_settings TEXT,
                        is_active BOOLEAN NOT NULL DEFAULT 1,
                        created_at DOUBLE NOT NULL,
                        updated_at DOUBLE NOT NULL
                    );
                    CREATE INDEX assistants_organization ON assistants(organization_id);
                    CREATE TABLE phone_numbers (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                        phone_number TEXT NOT NULL UNIQUE,
                        provider TEXT NOT NULL CHECK (provider IN ('twilio', 'telnyx', 'vonage')),
                        assistant_id INTEGER REFERENCES assistants(id) ON DELETE SET NULL,
                        friendly_name TEXT,
                        created_at DOUBLE NOT NULL,
                        updated_at DOUBLE NOT NULL
                    );
                    CREATE INDEX phone_numbers_organization ON phone_numbers(organization_id);
                    CREATE INDEX phone_numbers_assistant ON phone_numbers(assistant_id);
                    """)
        }
    ]
}

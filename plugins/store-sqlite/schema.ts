// The schema, as an ordered list of steps. Append a step to change it; never edit a step once released:
// a database records how many steps it has had, and runs only the ones after that.
export interface Migration {
  /** What the step does, for the error message when it fails. */
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'users, messages, parts, status history, queue, mailbox',
    sql: `
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  full_name TEXT,
  smtp_login INTEGER NOT NULL,
  smpp_login INTEGER NOT NULL,
  receive INTEGER NOT NULL,
  forced_sender TEXT,
  daily_limit INTEGER,
  monthly_limit INTEGER,
  credits INTEGER,
  allow_ips TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('config', 'cli')),
  password_hash TEXT NOT NULL,
  apop_secret TEXT,
  config_hash TEXT,
  removed INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE user_recipients (
  user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  address TEXT NOT NULL,
  PRIMARY KEY (user_name, idx)
);
CREATE INDEX user_recipients_address ON user_recipients(address);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  direction TEXT NOT NULL CHECK (direction IN ('MO', 'MT')),
  kind TEXT NOT NULL CHECK (kind IN ('sms', 'mms')),
  from_addr TEXT NOT NULL,
  to_addr TEXT NOT NULL,
  subject TEXT,
  user_name TEXT,
  via TEXT,
  received_at INTEGER NOT NULL,
  meta TEXT NOT NULL,
  status TEXT NOT NULL,
  target TEXT
);
CREATE INDEX messages_user_received ON messages(user_name, received_at);
CREATE INDEX messages_received ON messages(received_at);
CREATE INDEX messages_status_received ON messages(status, received_at);

CREATE TABLE parts (
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  name TEXT,
  content_id TEXT,
  data BLOB NOT NULL,
  PRIMARY KEY (message_id, idx)
);

CREATE TABLE status_history (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  status TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX status_history_message ON status_history(message_id, id);

CREATE TABLE queue (
  message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  connection_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  leased_until INTEGER,
  last_error TEXT
);
CREATE INDEX queue_due ON queue(connection_id, next_attempt_at);

CREATE TABLE mailbox (
  id INTEGER PRIMARY KEY,
  user_name TEXT NOT NULL,
  uid TEXT NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL,
  rendition BLOB,
  UNIQUE (user_name, uid)
);
`,
  },
  {
    description: 'remote ids for delivery reports, unmatched reports, segments awaiting reassembly',
    sql: `
CREATE TABLE remote_ids (
  connection_id TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  sent_at INTEGER NOT NULL,
  outcome TEXT,
  PRIMARY KEY (connection_id, remote_id, message_id)
);
CREATE INDEX remote_ids_lookup ON remote_ids(connection_id, remote_id, sent_at);
CREATE INDEX remote_ids_message ON remote_ids(message_id);

CREATE TABLE unmatched_reports (
  id INTEGER PRIMARY KEY,
  connection_id TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT,
  at INTEGER NOT NULL
);

CREATE TABLE segments (
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  total INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  from_addr TEXT NOT NULL,
  to_addr TEXT NOT NULL,
  via TEXT,
  content_type TEXT NOT NULL,
  data BLOB NOT NULL,
  meta TEXT NOT NULL,
  PRIMARY KEY (key, seq)
);
CREATE INDEX segments_received ON segments(received_at);
`,
  },
  {
    description: 'users_version, bumped by every change to users and user_recipients (for the users cache)',
    sql: `
CREATE TABLE users_version (version INTEGER NOT NULL);
INSERT INTO users_version (version) VALUES (0);
CREATE TRIGGER users_version_insert AFTER INSERT ON users BEGIN UPDATE users_version SET version = version + 1; END;
CREATE TRIGGER users_version_update AFTER UPDATE ON users BEGIN UPDATE users_version SET version = version + 1; END;
CREATE TRIGGER users_version_delete AFTER DELETE ON users BEGIN UPDATE users_version SET version = version + 1; END;
CREATE TRIGGER user_recipients_version_insert AFTER INSERT ON user_recipients BEGIN UPDATE users_version SET version = version + 1; END;
CREATE TRIGGER user_recipients_version_update AFTER UPDATE ON user_recipients BEGIN UPDATE users_version SET version = version + 1; END;
CREATE TRIGGER user_recipients_version_delete AFTER DELETE ON user_recipients BEGIN UPDATE users_version SET version = version + 1; END;
`,
  },
  {
    description: 'idempotency keys: a message or a segment handed over again after a crash is stored once',
    sql: `
ALTER TABLE messages ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX messages_idempotency ON messages(idempotency_key) WHERE idempotency_key IS NOT NULL;
ALTER TABLE segments ADD COLUMN idempotency_key TEXT;
CREATE TABLE consumed_segments (
  idempotency_key TEXT PRIMARY KEY,
  consumed_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    description: 'the event log: where each status change put the message (target), and the cursors of durable reactors',
    sql: `
ALTER TABLE status_history ADD COLUMN target_kind TEXT CHECK (target_kind IN ('mailbox', 'connection', 'command'));
ALTER TABLE status_history ADD COLUMN target_id TEXT;
CREATE TABLE cursors (
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  saved_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    description: 'the HTTP interface: the "HTTP login" and "HTTP admin" rights of users; sent changes by time for the traffic counts of /admin/xmlstatus',
    sql: `
ALTER TABLE users ADD COLUMN http_login INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN http_admin INTEGER NOT NULL DEFAULT 0;
CREATE INDEX status_history_sent ON status_history(at) WHERE status = 'sent';
`,
  },
  {
    description: 'holder leases: which node holds a connection that must have one holder (an SMSC bind, a modem)',
    sql: `
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    description: "users' login rights to plug-ins' services (LoginRights)",
    sql: `
ALTER TABLE users ADD COLUMN rights TEXT NOT NULL DEFAULT '[]';
`,
  },
];

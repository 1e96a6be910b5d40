// The schema, as an ordered list of steps, like the SQLite store's. Append a step to change it; never edit a
// step once released: the database records how many steps it has had (schema_version), and runs only the
// ones after that. Tables and columns mirror the SQLite store's. Times are epoch milliseconds in bigint
// columns, as there (the interfaces hand out Dates made from them); binary data is bytea; the orders SQLite
// takes from rowids come from identity columns here.
export interface Migration {
  /** What the step does, for the error message when it fails. */
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'users, messages, parts, status history (the event log), queue, mailbox, delivery reports, segments, cursors, leases',
    sql: `
CREATE TABLE users (
  name text PRIMARY KEY,
  full_name text,
  smtp_login boolean NOT NULL,
  smpp_login boolean NOT NULL,
  http_login boolean NOT NULL DEFAULT false,
  http_admin boolean NOT NULL DEFAULT false,
  receive boolean NOT NULL,
  forced_sender text,
  daily_limit integer,
  monthly_limit integer,
  credits integer,
  allow_ips jsonb NOT NULL,
  recipients jsonb NOT NULL,
  source text NOT NULL CHECK (source IN ('config', 'cli')),
  password_hash text NOT NULL,
  apop_secret text,
  config_hash text,
  removed boolean NOT NULL DEFAULT false
);

-- Bumped by every change to users, by any node: a node's users cache compares it before trusting itself.
CREATE TABLE users_version (version bigint NOT NULL);
INSERT INTO users_version (version) VALUES (0);
CREATE FUNCTION nowsms_users_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE users_version SET version = version + 1; RETURN NULL; END $$;
CREATE TRIGGER users_version AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION nowsms_users_version();

CREATE TABLE messages (
  -- Byte order, as SQLite compares: the listing's order and its paging cursor must agree.
  id text COLLATE "C" PRIMARY KEY,
  direction text NOT NULL CHECK (direction IN ('MO', 'MT')),
  kind text NOT NULL CHECK (kind IN ('sms', 'mms')),
  from_addr text NOT NULL,
  to_addr text NOT NULL,
  subject text,
  user_name text,
  via text,
  received_at bigint NOT NULL,
  meta text NOT NULL,
  status text NOT NULL,
  target text,
  idempotency_key text
);
CREATE INDEX messages_user_received ON messages(user_name, received_at);
CREATE INDEX messages_received ON messages(received_at, id);
CREATE INDEX messages_status_received ON messages(status, received_at);
CREATE UNIQUE INDEX messages_idempotency ON messages(idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE parts (
  message_id text NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  idx integer NOT NULL,
  content_type text NOT NULL,
  name text,
  content_id text,
  data bytea NOT NULL,
  PRIMARY KEY (message_id, idx)
);

-- The event log: id is the seq. Appends are serialised (see write-queue.ts), so ids become visible in order.
CREATE TABLE status_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id text NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  at bigint NOT NULL,
  status text NOT NULL,
  detail text,
  target_kind text CHECK (target_kind IN ('mailbox', 'connection', 'command')),
  target_id text
);
CREATE INDEX status_history_message ON status_history(message_id, id);
CREATE INDEX status_history_sent ON status_history(at) WHERE status = 'sent';

CREATE TABLE queue (
  message_id text PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  pos bigint GENERATED ALWAYS AS IDENTITY,
  connection_id text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  leased_until bigint,
  -- The node that leased it: releaseLeases() at start hands back this node's own only.
  leased_by text,
  last_error text
);
CREATE INDEX queue_due ON queue(connection_id, next_attempt_at, pos);

CREATE TABLE mailbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_name text NOT NULL,
  uid text NOT NULL,
  message_id text NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  added_at bigint NOT NULL,
  rendition bytea,
  UNIQUE (user_name, uid)
);
CREATE INDEX mailbox_message ON mailbox(message_id);

CREATE TABLE remote_ids (
  id bigint GENERATED ALWAYS AS IDENTITY,
  connection_id text NOT NULL,
  remote_id text NOT NULL,
  message_id text NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  idx integer NOT NULL,
  sent_at bigint NOT NULL,
  outcome text,
  PRIMARY KEY (connection_id, remote_id, message_id)
);
CREATE INDEX remote_ids_lookup ON remote_ids(connection_id, remote_id, sent_at, id);
CREATE INDEX remote_ids_message ON remote_ids(message_id);

CREATE TABLE unmatched_reports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  connection_id text NOT NULL,
  remote_id text NOT NULL,
  outcome text NOT NULL,
  detail text,
  at bigint NOT NULL
);

CREATE TABLE segments (
  key text NOT NULL,
  seq integer NOT NULL,
  total integer NOT NULL,
  received_at bigint NOT NULL,
  from_addr text NOT NULL,
  to_addr text NOT NULL,
  via text,
  content_type text NOT NULL,
  data bytea NOT NULL,
  meta text NOT NULL,
  idempotency_key text,
  PRIMARY KEY (key, seq)
);
CREATE INDEX segments_received ON segments(received_at);

CREATE TABLE consumed_segments (
  idempotency_key text PRIMARY KEY,
  consumed_at bigint NOT NULL
);

CREATE TABLE cursors (
  name text PRIMARY KEY,
  seq bigint NOT NULL,
  saved_at bigint NOT NULL
);

-- Expiry is the database's clock (clock_timestamp()), the one clock every node shares.
CREATE TABLE leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);
`,
  },
];

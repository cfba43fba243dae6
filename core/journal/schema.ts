/** The journal's tables. `attempts.final` has a partial index so start-up recovery reads only the unresolved rows. */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS orders (
  order_no TEXT PRIMARY KEY,
  pid TEXT NOT NULL,
  total_fee INTEGER NOT NULL CHECK (total_fee > 0),
  subject TEXT NOT NULL,
  type TEXT NOT NULL,
  custom TEXT,
  other TEXT,
  status INTEGER NOT NULL DEFAULT 0,
  tender TEXT,
  provider TEXT,
  transaction_id TEXT,
  paid_out_trade_no TEXT,
  paid_at INTEGER,
  refunded_fee INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fee >= 0 AND refunded_fee <= total_fee),
  cashier TEXT,
  shift_id TEXT,
  note TEXT,
  time_expire INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_created ON orders (created_at);
CREATE INDEX IF NOT EXISTS orders_transaction ON orders (transaction_id) WHERE transaction_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS orders_shift ON orders (shift_id) WHERE shift_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS attempts (
  out_trade_no TEXT PRIMARY KEY,
  order_no TEXT NOT NULL REFERENCES orders (order_no),
  attempt_index INTEGER NOT NULL,
  auth_code_hash TEXT,
  phase TEXT NOT NULL,
  final INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (order_no, attempt_index)
);
CREATE INDEX IF NOT EXISTS attempts_unresolved ON attempts (final) WHERE final = 0;
CREATE INDEX IF NOT EXISTS attempts_order ON attempts (order_no);
CREATE INDEX IF NOT EXISTS attempts_code ON attempts (auth_code_hash, created_at) WHERE auth_code_hash IS NOT NULL;

CREATE TABLE IF NOT EXISTS steps (
  id INTEGER PRIMARY KEY,
  out_trade_no TEXT NOT NULL,
  at INTEGER NOT NULL,
  step TEXT NOT NULL,
  op TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS steps_attempt ON steps (out_trade_no, id);

CREATE TABLE IF NOT EXISTS refunds (
  out_refund_no TEXT PRIMARY KEY,
  order_no TEXT NOT NULL REFERENCES orders (order_no),
  out_trade_no TEXT NOT NULL,
  refund_fee INTEGER NOT NULL CHECK (refund_fee > 0),
  status TEXT NOT NULL,
  reason TEXT,
  refund_id TEXT,
  failure TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS refunds_order ON refunds (order_no);
CREATE INDEX IF NOT EXISTS refunds_pending ON refunds (status) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS callbacks (
  order_no TEXT PRIMARY KEY REFERENCES orders (order_no),
  state TEXT NOT NULL,
  source TEXT NOT NULL,
  runs INTEGER NOT NULL,
  user_order_success INTEGER,
  last_error TEXT,
  next_run_at INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS callbacks_owed ON callbacks (state) WHERE state != 'done';
`;

-- A durable job queue every module can use: claimed with FOR UPDATE SKIP LOCKED, leased, retried.
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue text NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  run_after timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (queue, run_after, id) WHERE state IN ('queued', 'running');

-- Carbon-credit registry (the credit registry API page). Two ledgers share one schema: 'live' and
-- the 'sandbox' that `?development` and the friendbot use.
CREATE TABLE registry_profiles (
  organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  full_name text,
  country_code text CHECK (country_code ~ '^[A-Z]{2}$'),
  city text NOT NULL DEFAULT '',
  zip text NOT NULL DEFAULT '',
  physical_address text NOT NULL DEFAULT '',
  registration_number text NOT NULL DEFAULT '',
  website text NOT NULL DEFAULT '',
  logo text NOT NULL DEFAULT '',
  industry_code text NOT NULL DEFAULT '',
  industry_name text NOT NULL DEFAULT '',
  type text NOT NULL DEFAULT 'buyer' CHECK (type IN ('projectProponent', 'buyer', 'broker', 'registryOperator', 'verifier', 'other')),
  is_public boolean NOT NULL DEFAULT false,
  -- Operators create projects and issue credits.
  is_registry_operator boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inventory_accounts (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  address text NOT NULL CHECK (address ~ '^0x[0-9a-f]{40}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, address)
);
CREATE UNIQUE INDEX inventory_accounts_address_key ON inventory_accounts (address);
CREATE UNIQUE INDEX inventory_accounts_default_key ON inventory_accounts (organization_id) WHERE is_default;

CREATE TABLE registry_projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  num integer GENERATED ALWAYS AS IDENTITY (START WITH 100) UNIQUE,
  full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 300),
  country_code text NOT NULL CHECK (country_code ~ '^[A-Z]{3}$'),
  created_by_organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_projects_organization_idx ON registry_projects (created_by_organization_id);

-- Serial numbers are unique per ledger: each issuance takes the next range.
CREATE TABLE registry_serial_counters (
  ledger text PRIMARY KEY CHECK (ledger IN ('live', 'sandbox')),
  next_serial bigint NOT NULL
);
INSERT INTO registry_serial_counters (ledger, next_serial) VALUES ('live', 10000), ('sandbox', 10000);

-- One issuance: a token of `supply` tonnes with serials serial_first..serial_first + supply - 1.
CREATE TABLE credit_batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  num integer GENERATED ALWAYS AS IDENTITY UNIQUE,
  ledger text NOT NULL CHECK (ledger IN ('live', 'sandbox')),
  project_id uuid NOT NULL REFERENCES registry_projects (id),
  vintage integer NOT NULL CHECK (vintage BETWEEN 1990 AND 2100),
  type text NOT NULL CHECK (type IN ('exAnte', 'exPost')),
  unit text NOT NULL DEFAULT 'tonne',
  supply bigint NOT NULL CHECK (supply > 0),
  serial_first bigint NOT NULL,
  token_address text NOT NULL UNIQUE CHECK (token_address ~ '^0x[0-9a-f]{40}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_batches_project_idx ON credit_batches (project_id);

-- Who holds which serials: contiguous blocks, split when part of one moves or retires.
CREATE TABLE credit_blocks (
  organization_id uuid NOT NULL REFERENCES organizations (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  batch_id uuid NOT NULL REFERENCES credit_batches (id),
  holder_address text NOT NULL REFERENCES inventory_accounts (address),
  serial_first bigint NOT NULL,
  serial_last bigint NOT NULL CHECK (serial_last >= serial_first),
  state text NOT NULL CHECK (state IN ('available', 'reserved', 'retired')),
  -- The transaction that reserved or retired the block.
  transaction_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX credit_blocks_holding_idx ON credit_blocks (organization_id, batch_id, state, serial_first);
CREATE INDEX credit_blocks_batch_idx ON credit_blocks (batch_id, serial_first);
CREATE INDEX credit_blocks_transaction_idx ON credit_blocks (transaction_id) WHERE transaction_id IS NOT NULL;

CREATE TABLE registry_transactions (
  organization_id uuid NOT NULL REFERENCES organizations (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  ledger text NOT NULL CHECK (ledger IN ('live', 'sandbox')),
  action text NOT NULL CHECK (action IN ('issue', 'transfer', 'retire', 'transfer_retire')),
  state text NOT NULL CHECK (state IN ('pending', 'processing', 'processed', 'failed', 'cancelled')),
  batch_id uuid NOT NULL REFERENCES credit_batches (id),
  amount bigint NOT NULL CHECK (amount > 0),
  to_organization_id uuid REFERENCES organizations (id),
  to_address text,
  retirement_reason text,
  retirement_beneficiary text,
  retirement_comment text,
  failure_reason text,
  -- The serial ranges the transaction moved, e.g. [[10000, 10099]].
  serial_ranges jsonb NOT NULL DEFAULT '[]',
  -- Tamper evidence: position in the ledger's chain, hash of the content, and
  -- tx_id = sha256(previous tx_id || content_hash).
  sequence bigint,
  content_hash text,
  previous_tx_id text,
  tx_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE UNIQUE INDEX registry_transactions_id_key ON registry_transactions (id);
CREATE UNIQUE INDEX registry_transactions_chain_key ON registry_transactions (ledger, sequence) WHERE sequence IS NOT NULL;
CREATE INDEX registry_transactions_to_idx ON registry_transactions (to_organization_id);

CREATE TABLE registry_chain_heads (
  ledger text PRIMARY KEY CHECK (ledger IN ('live', 'sandbox')),
  sequence bigint NOT NULL,
  tx_id text NOT NULL
);
INSERT INTO registry_chain_heads (ledger, sequence, tx_id) VALUES
  ('live', 0, '0x0000000000000000000000000000000000000000000000000000000000000000'),
  ('sandbox', 0, '0x0000000000000000000000000000000000000000000000000000000000000000');

-- Public record of every retirement: readable by anyone.
CREATE TABLE retirements (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  transaction_id uuid NOT NULL UNIQUE,
  ledger text NOT NULL,
  batch_id uuid NOT NULL REFERENCES credit_batches (id),
  amount bigint NOT NULL,
  serial_ranges jsonb NOT NULL,
  beneficiary_name text NOT NULL DEFAULT '',
  reason text NOT NULL DEFAULT '',
  comment text NOT NULL DEFAULT '',
  retired_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX retirements_organization_idx ON retirements (organization_id);

-- Webhooks: subscriptions, the deliveries made to them (the delivery log), and the monthly
-- thresholds whose crossing is an event.
CREATE TABLE webhook_subscriptions (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
  events text[] NOT NULL,
  -- Signs deliveries; shown once at creation.
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  PRIMARY KEY (organization_id, id)
);
CREATE UNIQUE INDEX webhook_subscriptions_id_key ON webhook_subscriptions (id);

CREATE TABLE webhook_deliveries (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  subscription_id uuid NOT NULL,
  event text NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, subscription_id) REFERENCES webhook_subscriptions (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (organization_id, subscription_id, created_at);
CREATE UNIQUE INDEX webhook_deliveries_id_key ON webhook_deliveries (id);

CREATE TABLE emission_thresholds (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  scope smallint NOT NULL CHECK (scope IN (1, 2, 3)),
  monthly_kg double precision NOT NULL CHECK (monthly_kg > 0),
  PRIMARY KEY (organization_id, scope)
);

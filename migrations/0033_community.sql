-- Community: what operators answer about plumes (operator reports), the areas an organization
-- watches, and the notifications raised when a plume is published above a watch's threshold.

CREATE TABLE operator_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The reporting organization; it alone reads and changes an unpublished report.
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  plume_uuid uuid NOT NULL REFERENCES plumes (id) ON DELETE CASCADE,
  plume_id text NOT NULL,
  published boolean NOT NULL DEFAULT false,
  reported_by text,
  operator_name text,
  investigation_date date NOT NULL,
  investigation_method text NOT NULL CHECK (investigation_method IN ('Survey', 'Desktop Analysis')),
  notes text,
  classification text CHECK (classification IN ('Unexpected', 'Expected', 'Unknown')),
  equipment_group text,
  component text,
  location geometry(Point, 4326),
  location_description text,
  confirmed_date date,
  survey_method text,
  leak_status text CHECK (leak_status IN ('Needs Repair', 'Needs Verification', 'Delay of Repair', 'Repaired and Verified')),
  leak_notes text,
  leak_image_key text,
  repair_status text,
  repair_date date,
  repair_notes text,
  verification_status text,
  verification_date date,
  verification_notes text,
  verification_method text,
  activity_type text,
  activity_detail_notes text,
  activity_date date,
  created timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operator_reports_organization_idx ON operator_reports (organization_id, created DESC);
CREATE INDEX operator_reports_plume_idx ON operator_reports (plume_uuid);

-- An area an organization watches: plumes published inside it at or above the threshold notify it.
CREATE TABLE community_watches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  area geometry(MultiPolygon, 4326) NOT NULL,
  threshold_kg_h double precision NOT NULL CHECK (threshold_kg_h >= 0 AND threshold_kg_h < 1e9),
  email boolean NOT NULL DEFAULT true,
  -- Optional signed webhook (as the emissions webhooks sign theirs); the secret is shown once.
  webhook_url text CHECK (length(webhook_url) <= 2000),
  webhook_secret text,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX community_watches_area_idx ON community_watches USING gist (area);
CREATE INDEX community_watches_organization_idx ON community_watches (organization_id);

-- One notification per watch and plume; its state follows the organization's operator report:
-- open → reported (a report exists) → repair (repair recorded) → verified (verification recorded).
CREATE TABLE community_notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  watch_id uuid REFERENCES community_watches (id) ON DELETE SET NULL,
  plume_uuid uuid NOT NULL REFERENCES plumes (id) ON DELETE CASCADE,
  plume_id text NOT NULL,
  emission_rate double precision,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'reported', 'repair', 'verified')),
  report_id uuid REFERENCES operator_reports (id) ON DELETE SET NULL,
  -- The watch's webhook for this notification: NULL when the watch has none.
  webhook_state text CHECK (webhook_state IN ('pending', 'delivered', 'failed')),
  webhook_attempts integer NOT NULL DEFAULT 0,
  webhook_last_error text,
  created timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now(),
  UNIQUE (watch_id, plume_uuid)
);
CREATE INDEX community_notifications_organization_idx ON community_notifications (organization_id, created DESC);
CREATE INDEX community_notifications_plume_idx ON community_notifications (plume_uuid);

-- A later overpass of the plume's location without a detection of its source, after a repair.
CREATE TABLE community_repair_evidence (
  notification_id uuid NOT NULL REFERENCES community_notifications (id) ON DELETE CASCADE,
  scene_id uuid NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
  scene_name text NOT NULL,
  scene_timestamp timestamptz NOT NULL,
  recorded timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (notification_id, scene_id)
);

-- Plumes that became published, waiting to be matched against watches (decision 0013): the trigger
-- writes a plume's id in the very transaction that publishes it, whoever publishes it (API, import,
-- seed), and the community's sweep consumes the queue. The catalog knows nothing of it.
CREATE TABLE community_published_plumes (
  plume_uuid uuid PRIMARY KEY REFERENCES plumes (id) ON DELETE CASCADE,
  queued timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION community_queue_published_plume() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'published' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'published') THEN
    INSERT INTO community_published_plumes (plume_uuid) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER community_published_plumes_trigger
AFTER INSERT OR UPDATE OF status ON plumes
FOR EACH ROW EXECUTE FUNCTION community_queue_published_plume();

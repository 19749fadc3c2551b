-- The plume picker: scenes assigned to analysts for quality review before their plumes are
-- published, each assignee's status per scene, and the analysts' scene assessments.
-- An assignment belongs to the organization it was made in; its scenes were visible to it then.
CREATE TABLE picker_assignments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  -- The assigner (the page's `user`); NULL when an organization API key made it.
  assigner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  note text CHECK (length(note) <= 5000),
  created timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX picker_assignments_organization_idx ON picker_assignments (organization_id, created DESC);

CREATE TABLE picker_assignment_scenes (
  assignment_id bigint NOT NULL REFERENCES picker_assignments (id) ON DELETE CASCADE,
  scene_id uuid NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
  PRIMARY KEY (assignment_id, scene_id)
);
CREATE INDEX picker_assignment_scenes_scene_idx ON picker_assignment_scenes (scene_id);

CREATE TABLE picker_assignment_assignees (
  assignment_id bigint NOT NULL REFERENCES picker_assignments (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (assignment_id, user_id)
);
CREATE INDEX picker_assignment_assignees_user_idx ON picker_assignment_assignees (user_id);

-- The page's usersceneassignmentstatus (and scene-assessment-status): one per assignee and scene.
CREATE TABLE picker_scene_statuses (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  assignment_id bigint NOT NULL REFERENCES picker_assignments (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scene_id uuid NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'To Do' CHECK (status IN ('To Do', 'In Progress', 'Done', 'Failed', 'Deleted')),
  note text CHECK (length(note) <= 5000),
  created timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now(),
  UNIQUE (assignment_id, user_id, scene_id)
);
CREATE INDEX picker_scene_statuses_scene_idx ON picker_scene_statuses (scene_id);
CREATE INDEX picker_scene_statuses_user_idx ON picker_scene_statuses (user_id);

-- One assessment per analyst, scene and organization, replaced by each PUT.
CREATE TABLE picker_scene_assessments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  scene_id uuid NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scene_status_id bigint REFERENCES picker_scene_statuses (id) ON DELETE SET NULL,
  image_artifacts jsonb NOT NULL DEFAULT '{}',
  low_snr boolean,
  geolocation_error boolean,
  atmospheric_artifacts jsonb NOT NULL DEFAULT '{}',
  cloud_cover_pct integer CHECK (cloud_cover_pct BETWEEN 0 AND 100),
  note text CHECK (length(note) <= 5000),
  created timestamptz NOT NULL DEFAULT now(),
  modified timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, scene_id, user_id)
);

-- What the catalog's scene filters read (decision 0013): the catalog joins these views and never
-- the picker's tables, and the picker never writes a catalog table.
-- Each assignee's status per scene, with the organization the assignment belongs to.
CREATE VIEW picker_scene_assignment_states AS
SELECT st.scene_id, a.organization_id, u.number AS assignee_number, st.status, st.modified,
  st.id AS status_id, st.assignment_id, st.note, st.created, u.email AS assignee_email,
  btrim(u.first_name || ' ' || u.last_name) AS assignee_name
FROM picker_scene_statuses st
JOIN picker_assignments a ON a.id = st.assignment_id
JOIN users u ON u.id = st.user_id;

-- Scenes whose review is done: an assessment tied to a status marked Done, made in the
-- organization owning the scene or assigned by a staff member (platform scenes have no owner).
CREATE VIEW picker_assessed_scenes AS
SELECT DISTINCT sa.scene_id
FROM picker_scene_assessments sa
JOIN picker_scene_statuses st ON st.id = sa.scene_status_id AND st.scene_id = sa.scene_id
JOIN picker_assignments a ON a.id = st.assignment_id
JOIN scenes s ON s.id = sa.scene_id
LEFT JOIN users assigner ON assigner.id = a.assigner_id
WHERE st.status = 'Done' AND (s.organization_id = a.organization_id OR assigner.is_staff IS TRUE);

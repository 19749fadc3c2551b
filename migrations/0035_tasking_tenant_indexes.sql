-- Every tenant table is reachable by its organization first (and can be distributed by it): the
-- tasking tables that are read through their parent still get an organization-first index.
CREATE INDEX target_spec_areas_organization_idx ON target_spec_areas (organization_id, target_spec_id);
CREATE INDEX task_capture_reviews_organization_idx ON task_capture_reviews (organization_id, task_capture_id);
CREATE INDEX task_capture_rejections_organization_idx ON task_capture_rejections (organization_id);

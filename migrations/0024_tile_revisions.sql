-- Revision numbers for the vector tile caches. Each is bumped by statement-level triggers in the
-- same transaction as the change it counts, so a tile cached under revision N is exact for as long
-- as N is current (a reader never sees N+1 before the change commits, nor the change with N).
-- One row per counter: concurrent writers of plumes or scenes queue on it until they commit. That
-- is one row update per statement, not per row, so a 500-row import chunk pays it once.
CREATE TABLE catalog_revision (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revision bigint NOT NULL
);
INSERT INTO catalog_revision (revision) VALUES (1);

CREATE TABLE layer_revision (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revision bigint NOT NULL
);
INSERT INTO layer_revision (revision) VALUES (1);

-- Statements that changed no row (an UPDATE matching nothing) leave the revision alone: the
-- transition table tells. TRUNCATE has none and always counts.
CREATE FUNCTION bump_catalog_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM changed_rows) THEN
    UPDATE catalog_revision SET revision = revision + 1;
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION bump_layer_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM changed_rows) THEN
    UPDATE layer_revision SET revision = revision + 1;
  END IF;
  RETURN NULL;
END;
$$;

-- Transition tables allow one event per trigger, hence one trigger per operation.
CREATE TRIGGER plumes_revision_insert AFTER INSERT ON plumes REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER plumes_revision_update AFTER UPDATE ON plumes REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER plumes_revision_delete AFTER DELETE ON plumes REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER plumes_revision_truncate AFTER TRUNCATE ON plumes FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER scenes_revision_insert AFTER INSERT ON scenes REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER scenes_revision_update AFTER UPDATE ON scenes REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER scenes_revision_delete AFTER DELETE ON scenes REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();
CREATE TRIGGER scenes_revision_truncate AFTER TRUNCATE ON scenes FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_revision();

CREATE TRIGGER layers_revision_insert AFTER INSERT ON layers REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_revision();
CREATE TRIGGER layers_revision_update AFTER UPDATE ON layers REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_revision();
CREATE TRIGGER layers_revision_delete AFTER DELETE ON layers REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_revision();
CREATE TRIGGER layers_revision_truncate AFTER TRUNCATE ON layers FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_revision();
CREATE TRIGGER layer_features_revision_insert AFTER INSERT ON layer_features REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_revision();
CREATE TRIGGER layer_features_revision_update AFTER UPDATE ON layer_features REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_revision();
CREATE TRIGGER layer_features_revision_delete AFTER DELETE ON layer_features REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_revision();
CREATE TRIGGER layer_features_revision_truncate AFTER TRUNCATE ON layer_features FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_revision();

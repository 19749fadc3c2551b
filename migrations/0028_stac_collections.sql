-- STAC: each plume belongs to a product collection named from its own fields, as the plume
-- platform names its STAC collections: l3a-<gas>-<cmf type>-<version> (e.g. l3a-ch4-mfa-v3a).
-- The catalog keeps no copy for STAC: the name is an immutable expression over the plume's
-- columns, indexed with the acquisition time, so that a collection's items page by time from the
-- index and the distinct collections are found by a few index probes.
CREATE FUNCTION stac_plume_collection(gas text, cmf_type text, version text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN 'l3a-' || lower(gas)
    || '-' || coalesce(nullif(regexp_replace(lower(coalesce(cmf_type, '')), '[^a-z0-9.]+', '', 'g'), ''), 'mfa')
    || '-' || coalesce(nullif(regexp_replace(lower(coalesce(version, '')), '[^a-z0-9.]+', '', 'g'), ''), 'v1');

CREATE INDEX plumes_stac_collection_idx ON plumes (stac_plume_collection(gas, emission_cmf_type, emission_version), "datetime" DESC, id);

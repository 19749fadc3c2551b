-- Covering indexes for the catalog's pages and counts (issue 21, decision 0018). Each one starts
-- with status, which every public read fixes to 'published', then the time order of a page, and
-- carries every column the common filters test (the point included, for the bounding box), so a
-- count or the ids of a page are read from the index alone (an index-only scan) instead of from
-- scattered table rows. The first serves filters by sector (the map's usual filter), the second
-- every other combination and the unfiltered pages at any offset.
CREATE INDEX plumes_catalog_sector_idx ON plumes (status, sector, "datetime" DESC, plume_id DESC)
  INCLUDE (id, geometry, gas, instrument, quality, emission_auto, hide_emission, phme_candidate);
CREATE INDEX plumes_catalog_time_idx ON plumes (status, "datetime" DESC, plume_id DESC)
  INCLUDE (id, geometry, sector, gas, instrument, quality, emission_auto, hide_emission, phme_candidate);

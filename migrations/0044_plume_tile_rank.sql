-- Low-zoom plume tiles (z <= 6) draw the largest emissions of a tile first, at most 20,000: the
-- candidates are picked by id in this order (src/modules/catalog/tiles.queries.ts). This index
-- holds published plumes in that order with everything the pick reads (the position for the tile
-- test, and the columns of the visible-emission expression), so the pick is an index-only scan that
-- stops at the limit instead of sorting a third of a million rows. The key is the expression the
-- visibility rule gives anonymous and read-only viewers (hidden emissions sort as NULL, last).
-- Decision 0020.
CREATE INDEX plumes_tile_rank_idx ON plumes ((CASE WHEN NOT hide_emission THEN emission_auto END) DESC NULLS LAST, id)
  INCLUDE (geometry, hide_emission, emission_auto) WHERE status = 'published';

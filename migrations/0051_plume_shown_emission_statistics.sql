-- The planner's estimate for an emission filter as every public read writes it (visiblePlumes: the
-- emission is NULL when hidden) — the expression of plumes_tile_rank_idx (0044). Without statistics
-- on the expression it guessed 0.5% of the table for emission_min=20 (the real share: 96%) and
-- answered the catalog's every-filter page with a bitmap of 890,000 entries (0.8 s at 1M plumes)
-- instead of walking the covering time index. Decision 0025.
CREATE STATISTICS plumes_shown_emission_stats ON (CASE WHEN NOT hide_emission THEN emission_auto END) FROM plumes;
ANALYZE plumes;

-- The console's offline basemap draws the administrative areas as vector tiles. Below zoom 6 a
-- pixel is kilometres wide: a copy simplified to 0.02° (about 2 km) draws the same and spares
-- each low-zoom tile the transform of every vertex of the 1:50m coastlines. Generated, so
-- imported and re-imported areas keep it current without any code of their own.
ALTER TABLE administrative_areas
  ADD COLUMN geom_low geometry (Geometry, 4326) GENERATED ALWAYS AS (ST_SimplifyPreserveTopology(geom, 0.02)) STORED;

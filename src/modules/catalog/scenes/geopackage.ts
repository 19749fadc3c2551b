// The GeoPackage writer moved to src/platform/formats (layers write GeoPackages too); the scene
// downloads keep importing it from here, with their own description.
import { buildGeoPackage as build, type GpkgColumn, type GpkgFeature } from '../../../platform/formats/geopackage.js';

export { gpkgGeometry, type GpkgColumn, type GpkgFeature } from '../../../platform/formats/geopackage.js';

export function buildGeoPackage(table: string, columns: GpkgColumn[], features: GpkgFeature[]) {
  return build(table, columns, features, 'Carbon Atlas scene footprints');
}

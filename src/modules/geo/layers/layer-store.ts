// Original layer uploads live in the server's blob store (configuredBlobStore), under `<owner>/layers/<layer id>/`.

const EXTENSIONS: Record<string, string> = { geojson: 'geojson', shp: 'zip', gpkg: 'gpkg', kml: 'kml', kmz: 'kmz', csv: 'csv' };

/** `<organization id>/layers/<layer id>/<file id>.<ext>`, or `users/<user id>/…` for a layer without organization. */
export function layerFileKey(owner: { organizationId: string | null; userId: string | null }, layerId: number, fileId: number, format: string) {
  const prefix = owner.organizationId ?? `users/${owner.userId}`;
  return `${prefix}/layers/${layerId}/${fileId}.${EXTENSIONS[format] ?? 'bin'}`;
}

import type { StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import { api, dataOf } from '../../api/client.js';
import { screen } from './screen.js';

let style: Promise<StyleSpecification> | null = null;

/**
 * The server's map style (its plume and scene sources, from the TileJSON). Asked once: the page
 * starts it (preloadMap) and the map takes the same answer when its code has arrived.
 */
export function mapStyle(): Promise<StyleSpecification> {
  // The document types the style loosely (layers as objects); MapLibre validates it as it loads it.
  style ??= dataOf(api.GET('/api/v1/layers/style.json')).then((answer) => {
    performance.mark('map:style');
    return answer as unknown as StyleSpecification;
  });
  return style;
}

/**
 * On a map address, before the first render: the map's code (with MapLibre, ~450 kB) and the style
 * are fetched side by side, instead of the style waiting for MapLibre to arrive and run (budget:
 * first plume < 2 s, docs/console.md). Imports nothing of MapLibre itself.
 */
export function preloadMap(): void {
  performance.mark('map:preload');
  void screen.load().then(() => performance.mark('map:code'), () => undefined);
  // MapLibre's worker (~550 kB) into the HTTP cache (hashed, immutable): the worker MapLibre starts
  // once its code has run then loads from there instead of fetching it only then.
  void fetch(workerUrl).then((response) => response.arrayBuffer(), () => undefined);
  // A failure is left for the map to report when it asks again.
  mapStyle().catch(() => {
    style = null;
  });
}

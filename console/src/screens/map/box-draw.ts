import type { Feature, Polygon } from 'geojson';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Filters } from './filters.js';

/** west, south, east, north in degrees. */
export type Box = [number, number, number, number];

/** A press that moved less than this (px) is a click, not a box: it cancels nothing and draws nothing. */
const MIN_DRAG_PX = 5;

const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value));
const round = (value: number) => Math.round(value * 1e4) / 1e4;

/** The box spanned by two corners, in range and rounded to 4 decimals (~10 m), as the address carries it. */
export function boxOf(a: { lng: number; lat: number }, b: { lng: number; lat: number }): Box {
  const [west, east] = [clamp(a.lng, 180), clamp(b.lng, 180)].sort((x, y) => x - y) as [number, number];
  const [south, north] = [clamp(a.lat, 90), clamp(b.lat, 90)].sort((x, y) => x - y) as [number, number];
  return [round(west), round(south), round(east), round(north)];
}

export function boxFeature([west, south, east, north]: Box): Feature<Polygon> {
  return { type: 'Feature', properties: { kind: 'box' }, geometry: { type: 'Polygon', coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] } };
}

/** `bbox=w,s,e,n` from the address, when it is four numbers. */
export function boxIn(filters: Filters): Box | null {
  const parts = (filters.bbox ?? '').split(',').map(Number);
  return parts.length === 4 && parts.every(Number.isFinite) ? (parts as Box) : null;
}

export interface BoxDrawing {
  /** Each move of the pointer while pressed: the box so far. */
  onChange(box: Box): void;
  /** The drawn box, or null when the drawing was cancelled (Escape). */
  onDone(box: Box | null): void;
}

/**
 * Box drawing on the map with pointer events (mouse, pen and touch alike): the map stops panning,
 * a press starts a corner, the release sets the other. Escape cancels. Returns the function that
 * stops drawing and gives the map back its gestures.
 */
export function drawBox(map: MapLibreMap, drawing: BoxDrawing): () => void {
  const surface = map.getCanvasContainer();
  const panning = map.dragPan.isEnabled();
  const boxZoom = map.boxZoom.isEnabled();
  map.dragPan.disable();
  map.boxZoom.disable();
  const { cursor, touchAction } = surface.style;
  surface.style.cursor = 'crosshair';
  surface.style.touchAction = 'none';
  let start: { x: number; y: number } | null = null;

  const pointAt = (event: PointerEvent) => {
    const rect = surface.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };
  const toArray = ({ x, y }: { x: number; y: number }): [number, number] => [x, y];
  const boxTo = (event: PointerEvent) => (start ? boxOf(map.unproject([start.x, start.y]), map.unproject(toArray(pointAt(event)))) : null);

  const down = (event: PointerEvent) => {
    if (event.button !== 0 || !event.isPrimary) return;
    start = pointAt(event);
    surface.setPointerCapture(event.pointerId);
    event.preventDefault();
    event.stopPropagation();
  };
  const move = (event: PointerEvent) => {
    const box = boxTo(event);
    if (box) drawing.onChange(box);
  };
  const up = (event: PointerEvent) => {
    if (!start) return;
    const end = pointAt(event);
    const box = boxTo(event);
    const far = Math.hypot(end.x - start.x, end.y - start.y) >= MIN_DRAG_PX;
    start = null;
    // A click without a drag leaves the drawing on: the person may still drag.
    if (box && far) finish(box);
  };
  const key = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    finish(null);
  };

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    surface.removeEventListener('pointerdown', down, true);
    surface.removeEventListener('pointermove', move);
    surface.removeEventListener('pointerup', up);
    window.removeEventListener('keydown', key, true);
    surface.style.cursor = cursor;
    surface.style.touchAction = touchAction;
    if (panning) map.dragPan.enable();
    if (boxZoom) map.boxZoom.enable();
  };
  const finish = (box: Box | null) => {
    stop();
    drawing.onDone(box);
  };

  // Capture phase: ahead of MapLibre's own handlers on the canvas.
  surface.addEventListener('pointerdown', down, true);
  surface.addEventListener('pointermove', move);
  surface.addEventListener('pointerup', up);
  window.addEventListener('keydown', key, true);
  return stop;
}

import { describe, expect, it } from 'vitest';
import { SCENE_NAME } from '../names.js';
import { plumeLetter } from '../plume-filter.js';
import { generateCatalog, random } from './generator.js';

describe('demo catalog generator', () => {
  it('is deterministic for a seed and stops at the plume count', () => {
    const first = [...generateCatalog(2000, 7)];
    const again = [...generateCatalog(2000, 7)];
    expect(again).toEqual(first);
    expect(first.reduce((n, b) => n + b.plumes.length, 0)).toBe(2000);
    expect([...generateCatalog(2000, 8)][0]!.scene.name).not.toBe(first[0]!.scene.name);
  });

  it('names scenes and plumes as the catalog does, inside their footprints, with null detections', () => {
    const batches = [...generateCatalog(5000)];
    const names = new Set(batches.map((b) => b.scene.name));
    expect(names.size).toBe(batches.length);
    for (const { scene, plumes } of batches) {
      expect(scene.name).toMatch(SCENE_NAME);
      plumes.forEach((plume, i) => {
        expect(plume.plume_id).toBe(`${scene.name}-${plumeLetter(i)}`);
        expect(plume.longitude).toBeGreaterThanOrEqual(scene.footprint[0] - 0.01);
        expect(plume.latitude).toBeLessThanOrEqual(scene.footprint[3] + 0.01);
      });
    }
    const empty = batches.filter((b) => b.plumes.length === 0).length;
    expect(empty / batches.length).toBeGreaterThan(0.05);
    expect(new Set(batches.flatMap((b) => b.plumes.map((p) => p.sector)))).toEqual(new Set(['1B2', '6A', '6B', '4B', '1B1a', '1A1']));
  });

  it('draws uniform numbers in [0, 1)', () => {
    const next = random(1);
    const values = Array.from({ length: 10_000 }, next);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });
});

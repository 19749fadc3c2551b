import { describe, expect, it } from 'vitest';
import { boxFeature, boxIn, boxOf } from './box-draw.js';

describe('boxOf', () => {
  it('orders the corners as west, south, east, north whichever way the box was dragged', () => {
    expect(boxOf({ lng: -95.5, lat: 30.25 }, { lng: -104.125, lat: 33.5 })).toEqual([-104.125, 30.25, -95.5, 33.5]);
    expect(boxOf({ lng: -104.125, lat: 33.5 }, { lng: -95.5, lat: 30.25 })).toEqual([-104.125, 30.25, -95.5, 33.5]);
  });

  it('keeps the box in range (a drag onto a copy of the world) and rounds to 4 decimals', () => {
    expect(boxOf({ lng: 170.123456, lat: 10.000049 }, { lng: 200, lat: 95 })).toEqual([170.1235, 10, 180, 90]);
  });
});

describe('boxIn', () => {
  it('reads bbox=w,s,e,n from the address and refuses anything that is not four numbers', () => {
    expect(boxIn({ bbox: '-104.1,30.2,-95.5,33.5' })).toEqual([-104.1, 30.2, -95.5, 33.5]);
    expect(boxIn({ bbox: '-104.1,30.2,-95.5' })).toBeNull();
    expect(boxIn({ bbox: '-104.1,x,-95.5,33.5' })).toBeNull();
    expect(boxIn({})).toBeNull();
  });
});

describe('boxFeature', () => {
  it('is the closed ring of the box, counter-clockwise from the south-west corner', () => {
    expect(boxFeature([-1, -2, 3, 4]).geometry.coordinates).toEqual([[[-1, -2], [3, -2], [3, 4], [-1, 4], [-1, -2]]]);
  });
});

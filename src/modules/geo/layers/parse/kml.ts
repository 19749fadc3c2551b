import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { VectorUploadError } from './vector-upload-error.js';
import { extensionOf, unzipMembers } from './zip.js';
import type { SourceFeatures, VectorLimits } from './parse-vector-upload.js';

/** KML (always WGS 84): placemarks to features with @tmcw/togeojson over the @xmldom parser. */
type KmlDocument = Parameters<typeof kml>[0];

const COORDINATES = /<(?:[\w-]+:)?coordinates\b[^>]*>([^<]*)</g;
const GX_COORD = /<gx:coord\b/g;

/** Positions the document spells out, counted in its text: a DOM of millions of them would hold the event loop for seconds. */
export function countKmlPositions(text: string): number {
  let positions = 0;
  for (const match of text.matchAll(COORDINATES)) {
    const body = match[1]!;
    let inToken = false;
    for (let i = 0; i < body.length; i++) {
      const code = body.charCodeAt(i);
      const space = code === 32 || code === 10 || code === 13 || code === 9;
      if (!space && !inToken) positions += 1;
      inToken = !space;
    }
  }
  for (const _ of text.matchAll(GX_COORD)) positions += 1;
  return positions;
}

export function readKml(bytes: Uint8Array, what = 'KML file', limits?: VectorLimits): SourceFeatures[] {
  const text = new TextDecoder().decode(bytes);
  const maxPositions = limits?.maxPositions;
  if (maxPositions !== undefined && countKmlPositions(text) > maxPositions) throw new VectorUploadError(`The ${what} holds more than ${maxPositions} positions.`);
  let document: KmlDocument;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml') as unknown as KmlDocument;
  } catch {
    throw new VectorUploadError(`The ${what} is not well-formed XML.`);
  }
  if (!document.documentElement || document.documentElement.localName !== 'kml') throw new VectorUploadError(`The ${what} is not KML: its root element is not <kml>.`);
  const collection = kml(document);
  return [{ toWgs84: undefined, features: collection.features.map((feature) => ({ geometry: feature.geometry, properties: feature.properties ?? {} })) }];
}

/** KMZ: a zip whose main document is doc.kml (or else its first .kml). */
export function readKmz(bytes: Uint8Array, limits?: VectorLimits): SourceFeatures[] {
  const members = unzipMembers(bytes, 'KMZ file', (name) => extensionOf(name) === 'kml', limits?.maxInflatedBytes);
  const names = Object.keys(members);
  const main = names.find((name) => name.toLowerCase() === 'doc.kml') ?? names.sort()[0];
  if (!main) throw new VectorUploadError('The KMZ file holds no .kml document.');
  return readKml(members[main]!, `${main} in the KMZ file`, limits);
}

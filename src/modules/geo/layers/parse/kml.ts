import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import { VectorUploadError } from './vector-upload-error.js';
import { extensionOf, unzipMembers } from './zip.js';
import type { SourceFeatures } from './parse-vector-upload.js';

/** KML (always WGS 84): placemarks to features with @tmcw/togeojson over the @xmldom parser. */
type KmlDocument = Parameters<typeof kml>[0];

export function readKml(bytes: Uint8Array, what = 'KML file'): SourceFeatures[] {
  const text = new TextDecoder().decode(bytes);
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
export function readKmz(bytes: Uint8Array): SourceFeatures[] {
  const members = unzipMembers(bytes, 'KMZ file', (name) => extensionOf(name) === 'kml');
  const names = Object.keys(members);
  const main = names.find((name) => name.toLowerCase() === 'doc.kml') ?? names.sort()[0];
  if (!main) throw new VectorUploadError('The KMZ file holds no .kml document.');
  return readKml(members[main]!, `${main} in the KMZ file`);
}

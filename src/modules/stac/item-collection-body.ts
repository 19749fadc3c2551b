import { createHash } from 'node:crypto';

const HEAD = Buffer.from('{"type":"FeatureCollection","features":');

/**
 * A search page's features as the JSON bytes of its `features` array, with their digest: made as
 * soon as the page's rows arrive, while the count is still running on the other connection
 * (decision 0038), so that what is left once the count is in is a few hundred bytes of links.
 */
export interface EncodedFeatures {
  bytes: Buffer;
  digest: Buffer;
  returned: number;
}

export function encodeFeatures(features: unknown[]): EncodedFeatures {
  const bytes = Buffer.from(JSON.stringify(features));
  return { bytes, digest: createHash('sha256').update(bytes).digest(), returned: features.length };
}

/** What an ItemCollection holds besides its features, in the order its serializer writes them (required keys first). */
export interface ItemCollectionRest {
  links: unknown[];
  numberReturned: number;
  numberMatched: number;
  numberMatchedExact: boolean;
  context: { returned: number; limit: number; matched: number };
}

/**
 * The ItemCollection's bytes, its keys in the order StacItemCollection's serializer writes them,
 * and a weak entity tag made of the features' digest and the rest's bytes: equal bytes, equal tag;
 * another page or count, another tag.
 */
export function itemCollectionBody(features: EncodedFeatures, rest: ItemCollectionRest): { body: Buffer; etag: string } {
  const tail = Buffer.from(`,${JSON.stringify(rest).slice(1)}`);
  const body = Buffer.concat([HEAD, features.bytes, tail], HEAD.length + features.bytes.length + tail.length);
  const etag = `W/"${createHash('sha256').update(features.digest).update(tail).digest('base64url').slice(0, 27)}"`;
  return { body, etag };
}

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import { BLOB_KEY, urlSigner } from '../../platform/storage/blob-store.js';
import { configuredBlobStore } from '../../platform/storage/configured-blob-store.js';
import { isUuid } from '../../platform/uuid.js';
import { isOwnedAsset, isVisibleAsset, selectPlumeOwner } from './assets.queries.js';
import { Plume } from './plumes.schemas.js';
import * as plumes from './plumes.service.js';
import { viewerOf } from './viewer.js';

const TAGS = ['catalog'];
const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 404: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const TYPES: Record<string, string> = { png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff', jpg: 'image/jpeg', json: 'application/json', geojson: 'application/geo+json' };

/** Plume assets (tif, png) behind signed, expiring URLs, and signed quicklook links to one plume. */
export default async function assetRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const store = configuredBlobStore(app.config);
  const assets = urlSigner(app.deriveKey('catalog-assets'));
  const quicklooks = urlSigner(app.deriveKey('catalog-quicklooks'));
  const ttl = app.config.ASSET_URL_TTL;
  const signedAssetUrl = async (key: string) => {
    if (store.signedUrl) return store.signedUrl(key, ttl);
    const { expires, signature } = assets.sign(key, ttl);
    return `/api/v1/catalog/asset/${key}?expires=${expires}&signature=${signature}`;
  };

  app.get(
    '/asset/*',
    {
      config: { auth: 'optional' },
      schema: {
        operationId: 'getAsset',
        tags: TAGS,
        summary: 'A plume asset: with expires+signature, the file; without, a 302 to a signed URL valid ASSET_URL_TTL seconds if you may see the plume',
        params: Type.Object({ '*': Type.String({ pattern: BLOB_KEY.source, maxLength: 300 }) }),
        querystring: Type.Object({ expires: Type.Optional(Type.Integer()), signature: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: { description: 'the file', content: { 'application/octet-stream': { schema: Type.String() } } }, 302: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const key = request.params['*'];
      const { expires, signature } = request.query;
      if (expires === undefined || signature === undefined) {
        if (!(await isVisibleAsset(app.db, key, viewerOf(request)))) throw new NotFoundError(`Asset ${key} not found.`);
        return reply.redirect(await signedAssetUrl(key), 302);
      }
      if (!assets.verify(key, expires, signature)) throw new ForbiddenError('This asset link is invalid or has expired.');
      const blob = await store.open(key);
      if (!blob) throw new NotFoundError(`Asset ${key} not found.`);
      return reply
        .type(TYPES[key.split('.').pop()!] ?? 'application/octet-stream')
        .header('content-length', blob.size)
        .header('cache-control', 'private, max-age=300')
        .send(blob.stream as never);
    },
  );

  app.get(
    '/quicklook/:id/link',
    {
      config: { scopes: ['catalog:write'] },
      schema: {
        operationId: 'createQuicklookLink',
        tags: TAGS,
        summary: 'A signed link to one of your plumes (published or not) that works without an account until it expires (our addition)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ ttl: Type.Integer({ minimum: 60, maximum: 2_592_000, default: 604_800 }) }),
        response: { 200: Type.Object({ url: Type.String(), expires_at: Type.String({ format: 'date-time' }) }), ...errors },
      },
    },
    async (request) => {
      const organizationId = principalOf(request).organizationId;
      const plume = await plumes.getPlume(app.db, request.params.id, { organizationId });
      const { expires, signature } = quicklooks.sign(plume.id, request.query.ttl);
      return { url: `/api/v1/catalog/quicklook/${plume.id}/response?signature=${expires}.${signature}`, expires_at: new Date(expires * 1000).toISOString() };
    },
  );

  app.get(
    '/quicklook/:id/response',
    {
      config: { auth: 'none' },
      schema: {
        operationId: 'getQuicklook',
        tags: TAGS,
        summary: 'Get Response: the plume a signed quicklook link points to, with a signed URL of its image',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ signature: Type.String({ maxLength: 120, description: '<expires>.<signature> from quicklook/{id}/link' }) }),
        response: { 200: Type.Object({ plume: Plume, image_url: Type.Union([Type.String(), Type.Null()]) }), ...errors },
      },
    },
    async (request) => {
      const [expires, signature] = request.query.signature.split('.');
      if (!isUuid(request.params.id) || !signature || !quicklooks.verify(request.params.id, Number(expires), signature)) {
        throw new ForbiddenError('This quicklook link is invalid or has expired.');
      }
      const owner = await selectPlumeOwner(app.db, request.params.id);
      if (!owner) throw new NotFoundError('The plume is gone.');
      const plume = await plumes.getPlume(app.db, request.params.id, { organizationId: owner.organization_id });
      const image = plume.plume_png ?? plume.rgb_png;
      // Only a file registered to the plume's owner: a plume naming someone else's key shows no image.
      const shown = image && (await isOwnedAsset(app.db, image, owner.organization_id)) ? image : null;
      return { plume: { ...plume, notes: null }, image_url: shown ? await signedAssetUrl(shown) : null };
    },
  );
}

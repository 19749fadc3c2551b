import { clientAddressOf } from '../../platform/http/client-address.js';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { userOf } from '../../platform/auth/auth-plugin.js';
import { isLiveToken, refresh, signIn } from '../../platform/auth/sessions.js';
import { UnauthorizedError } from '../../platform/errors.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import * as tokens from './tokens.service.js';
import {
  CreatedStacToken,
  CreateStacTokenBody,
  RefreshBody,
  RefreshResponse,
  TokenObject,
  TokenPairBody,
  TokenPairResponse,
  TokenParams,
  VerifyBody,
} from './accounts.schemas.js';
import { NoContent, plumeErrors } from './responses.js';
import { CREDENTIAL_ROUTE } from './route-budgets.js';

const TAGS = ['account'];
const publicErrors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };

export default async function tokenRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/token/pair',
    {
      config: CREDENTIAL_ROUTE,
      schema: { operationId: 'obtainTokenPair', tags: TAGS, summary: 'Obtain Token', body: TokenPairBody, response: { 200: TokenPairResponse, ...publicErrors } },
    },
    async (request) => {
      const { user, pair } = await signIn(app.db, app.sessions, { email: request.body.email, password: request.body.password, address: clientAddressOf(request) });
      return tokens.plumeTokenPair(app.db, user, pair);
    },
  );

  app.post(
    '/token/refresh',
    {
      config: CREDENTIAL_ROUTE,
      schema: { operationId: 'refreshTokenPair', tags: TAGS, summary: 'Refresh Token (each refresh token works once)', body: RefreshBody, response: { 200: RefreshResponse, ...publicErrors } },
    },
    async (request) => {
      const pair = await refresh(app.db, app.sessions, request.body.refresh);
      return { refresh: pair.refresh_token, access: pair.access_token };
    },
  );

  app.post(
    '/token/verify',
    {
      config: CREDENTIAL_ROUTE,
      schema: { operationId: 'verifyToken', tags: TAGS, summary: 'Verify Token (access, refresh or STAC)', body: VerifyBody, response: { 200: Type.Object({}), ...publicErrors } },
    },
    async (request) => {
      if (!(await isLiveToken(app.db, app.tokenSigner, request.body.token))) throw new UnauthorizedError('Token is invalid or expired');
      return {};
    },
  );

  app.get(
    '/account/tokens',
    {
      config: { scopes: ['account:read'] },
      schema: { operationId: 'listTokens', tags: TAGS, summary: 'Tokens List (never their values)', response: { 200: Type.Array(TokenObject), ...plumeErrors } },
    },
    (request) => tokens.listStacTokens(app.db, userOf(request).userId),
  );

  app.post(
    '/account/tokens/create-stac',
    {
      config: { scopes: ['account:write'] },
      schema: { operationId: 'createStacToken', tags: TAGS, summary: 'Tokens Create Stac: a named, expiring, read-only catalog/STAC token', body: CreateStacTokenBody, response: { 200: CreatedStacToken, ...plumeErrors } },
    },
    (request) => tokens.createStacToken(app.db, app.tokenSigner, userOf(request), request.body),
  );

  app.delete(
    '/account/tokens/:jti',
    {
      config: { scopes: ['account:write'] },
      schema: { operationId: 'revokeToken', tags: TAGS, summary: 'Revoke a STAC token (a Carbon Atlas addition)', params: TokenParams, response: { 204: NoContent, 404: ErrorSchemas.plume, ...plumeErrors } },
    },
    async (request, reply) => {
      await tokens.revokeStacToken(app.db, userOf(request).userId, request.params.jti);
      return reply.status(204).send(null);
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { startSession } from '../../platform/auth/sessions.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import * as oauth from './oauth.service.js';
import { plumeTokenPair } from './tokens.service.js';
import { OAuthBody, OAuthState, TokenPairResponse } from './accounts.schemas.js';
import { CREDENTIAL_ROUTE } from './route-budgets.js';

const TAGS = ['account'];

export default async function oauthRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_JWKS_URI: jwksUri } = app.config;
  const verifier = issuer && clientId ? new oauth.OidcVerifier({ issuer, clientId, jwksUri, allowPrivateTargets: app.config.OIDC_ALLOW_PRIVATE_TARGETS }) : undefined;

  app.get(
    '/account/oauth/state',
    {
      config: CREDENTIAL_ROUTE,
      schema: { operationId: 'oauthState', tags: TAGS, summary: 'A single-use state and nonce to start an OpenID Connect sign-in (a Carbon Atlas addition)', response: { 200: OAuthState, 403: ErrorSchemas.plume, 429: ErrorSchemas.plume } },
    },
    () => oauth.issueState(app.db, verifier),
  );

  app.post(
    '/account/oauth',
    {
      config: CREDENTIAL_ROUTE,
      schema: { operationId: 'oauth', tags: TAGS, summary: "Oauth: exchange the identity provider's id_token for a token pair", body: OAuthBody, response: { 200: TokenPairResponse, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume } },
    },
    async (request) => {
      const user = await oauth.oauthUser(app.db, verifier, issuer ?? '', request.body);
      return plumeTokenPair(app.db, user, await startSession(app.db, app.sessions, user));
    },
  );
}

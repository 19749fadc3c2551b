import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import * as decks from './decks.service.js';
import * as opportunities from './opportunities.service.js';
import { ownerOf } from './owner.js';
import * as specs from './specs.service.js';
import {
  DeckCreateBody,
  DeckParams,
  DeckPatchBody,
  DecksQuery,
  DeckSummary,
  OpportunitiesQuery,
  OpportunityList,
  page,
  SpecBody,
  SpecParams,
  TargetDeck,
  TargetDeckWithPermissions,
  TargetSpec,
} from './tasking.schemas.js';

export const TAGS = ['tasking'];
export const errors = { 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
export const withNotFound = { 404: ErrorSchemas.plume, ...errors };
export const withConflict = { 409: ErrorSchemas.plume, ...withNotFound };
export const read = { scopes: ['tasking:read' as const] };
export const write = { scopes: ['tasking:write' as const] };
export const NoContent = Type.Null({ description: 'Deleted.' });

/** Target decks and the target specs in them (the page's reads and patches, and the writes a team needs). */
export default async function deckRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/target_deck/:target_deck_id',
    { config: read, schema: { operationId: 'getTargetDeck', tags: TAGS, summary: 'Get Target Deck', params: DeckParams, response: { 200: TargetDeckWithPermissions, ...withNotFound } } },
    (request) => decks.getDeck(app.db, ownerOf(request), request.params.target_deck_id),
  );

  app.patch(
    '/target_deck/:target_deck_id',
    {
      config: write,
      schema: {
        operationId: 'patchTargetDeck',
        tags: TAGS,
        summary: 'Patch Target Deck: names, replacement method and status (409 for a status not reachable from the current one)',
        params: DeckParams,
        body: DeckPatchBody,
        response: { 200: TargetDeck, ...withConflict },
      },
    },
    (request) => decks.patchDeck(app.db, ownerOf(request), request.params.target_deck_id, request.body),
  );

  app.delete(
    '/target_deck/:target_deck_id',
    { config: write, schema: { operationId: 'deleteTargetDeck', tags: TAGS, summary: 'Delete a DRAFT or CANCELLED target deck with its specs', params: DeckParams, response: { 204: NoContent, ...withConflict } } },
    async (request, reply) => {
      await decks.deleteDeck(app.db, ownerOf(request), request.params.target_deck_id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/target_deck',
    { config: write, schema: { operationId: 'createTargetDeck', tags: TAGS, summary: 'Create a target deck (status DRAFT)', body: DeckCreateBody, response: { 201: TargetDeckWithPermissions, 409: ErrorSchemas.plume, ...errors } } },
    async (request, reply) => reply.code(201).send(await decks.createDeck(app.db, ownerOf(request), request.body)),
  );

  app.get(
    '/target_decks',
    { config: read, schema: { operationId: 'listTargetDecks', tags: TAGS, summary: 'Your organization’s target decks, newest first', querystring: DecksQuery, response: { 200: page(DeckSummary), ...errors } } },
    (request) => decks.listDecks(app.db, ownerOf(request), request.query),
  );

  app.post(
    '/target_deck/:target_deck_id/target_spec',
    {
      config: write,
      schema: { operationId: 'createTargetSpec', tags: TAGS, summary: 'Add a target spec to a DRAFT or PAUSED deck', params: DeckParams, body: SpecBody, response: { 201: TargetSpec, ...withConflict } },
    },
    async (request, reply) => reply.code(201).send(await specs.createSpec(app.db, ownerOf(request), request.params.target_deck_id, request.body)),
  );

  app.get(
    '/target_spec/:target_spec_id',
    { config: read, schema: { operationId: 'getTargetSpec', tags: TAGS, summary: 'Get Target Spec', params: SpecParams, response: { 200: TargetSpec, ...withNotFound } } },
    (request) => specs.getSpec(app.db, ownerOf(request), request.params.target_spec_id),
  );

  app.patch(
    '/target_spec/:target_spec_id',
    { config: write, schema: { operationId: 'patchTargetSpec', tags: TAGS, summary: 'Patch Target Spec', params: SpecParams, body: SpecBody, response: { 200: TargetSpec, ...withConflict } } },
    (request) => specs.patchSpec(app.db, ownerOf(request), request.params.target_spec_id, request.body),
  );

  app.delete(
    '/target_spec/:target_spec_id',
    { config: write, schema: { operationId: 'deleteTargetSpec', tags: TAGS, summary: 'Remove a target spec from a DRAFT or PAUSED deck', params: SpecParams, response: { 204: NoContent, ...withConflict } } },
    async (request, reply) => {
      await specs.deleteSpec(app.db, ownerOf(request), request.params.target_spec_id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/target_spec/:target_spec_id/opportunities',
    {
      config: read,
      schema: {
        operationId: 'listCaptureOpportunities',
        tags: TAGS,
        summary: 'Capture opportunities: passes of a platform over the spec’s areas within its window that meet its angle limits (SGP4)',
        params: SpecParams,
        querystring: OpportunitiesQuery,
        response: { 200: OpportunityList, ...withNotFound },
      },
    },
    (request) => opportunities.listOpportunities(app.db, ownerOf(request), request.params.target_spec_id, request.query),
  );
}

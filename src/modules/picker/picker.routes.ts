import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import {
  Assignment,
  AssignmentBody,
  AssignmentIdParams,
  AssignmentPage,
  AssignmentPatchBody,
  AssignmentsQuery,
  SceneAssessment,
  SceneAssessmentBody,
  SceneStatus,
  SceneStatusBody,
} from './picker.schemas.js';
import * as picker from './picker.service.js';

const TAGS = ['picker'];
const errors = { 400: ErrorSchemas.plume, 401: ErrorSchemas.plume, 403: ErrorSchemas.plume, 404: ErrorSchemas.plume, 422: ErrorSchemas.plume, 429: ErrorSchemas.plume };
const read = { scopes: ['picker:read' as const] };
const write = { scopes: ['picker:write' as const] };

export default async function pickerRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const actor = (request: FastifyRequest) => picker.actorFor(app.db, principalOf(request));

  app.get(
    '/assignments',
    { config: read, schema: { operationId: 'listAssignments', tags: TAGS, summary: 'Assignments of your organization, newest first', querystring: AssignmentsQuery, response: { 200: AssignmentPage, ...errors } } },
    async (request) => picker.listAssignments(app.db, await actor(request), request.query),
  );

  app.post(
    '/assignment',
    { config: write, schema: { operationId: 'createAssignment', tags: TAGS, summary: 'Assignment Create: scenes to members of your organization', body: AssignmentBody, response: { 200: Assignment, ...errors } } },
    async (request) => picker.createAssignment(app.db, await actor(request), request.body),
  );

  app.get(
    '/assignment/:pk',
    { config: read, schema: { operationId: 'getAssignment', tags: TAGS, summary: 'Assignment', params: AssignmentIdParams, response: { 200: Assignment, ...errors } } },
    async (request) => picker.getAssignment(app.db, await actor(request), request.params.pk),
  );

  app.put(
    '/assignment/:pk',
    { config: write, schema: { operationId: 'modifyAssignment', tags: TAGS, summary: 'Modify Assignment (staff or the assigner)', params: AssignmentIdParams, body: AssignmentBody, response: { 200: Assignment, ...errors } } },
    async (request) => picker.modifyAssignment(app.db, await actor(request), request.params.pk, request.body),
  );

  app.patch(
    '/assignment/:pk',
    { config: write, schema: { operationId: 'patchAssignment', tags: TAGS, summary: 'Modify Assignment, only the fields sent (our addition)', params: AssignmentIdParams, body: AssignmentPatchBody, response: { 200: Assignment, ...errors } } },
    async (request) => picker.modifyAssignment(app.db, await actor(request), request.params.pk, request.body),
  );

  app.delete(
    '/assignment/:pk',
    { config: write, schema: { operationId: 'deleteAssignment', tags: TAGS, summary: 'Delete Assignment (staff or the assigner)', params: AssignmentIdParams, response: { 200: Type.Boolean(), ...errors } } },
    async (request) => picker.deleteAssignment(app.db, await actor(request), request.params.pk),
  );

  app.get(
    '/:scene_id/scene-assessment',
    {
      config: read,
      schema: { operationId: 'getSceneAssessment', tags: TAGS, summary: 'Your assessment of a scene', params: Type.Object({ scene_id: Type.String({ maxLength: 64 }) }), response: { 200: SceneAssessment, ...errors } },
    },
    async (request) => picker.getAssessment(app.db, await actor(request), request.params.scene_id),
  );

  for (const method of ['PUT', 'POST'] as const) {
    app.route({
      method,
      url: '/scene-assessment',
      config: write,
      schema: { operationId: method === 'PUT' ? 'saveSceneAssessment' : 'createSceneAssessment', tags: TAGS, summary: 'Scene Assessment Create (or update your own)', body: SceneAssessmentBody, response: { 200: SceneAssessment, ...errors } },
      handler: async (request) => picker.saveAssessment(app.db, await actor(request), request.body),
    });
  }

  app.put(
    '/scene-assessment-status/:pk',
    {
      config: write,
      schema: { operationId: 'updateSceneAssessmentStatus', tags: TAGS, summary: 'Scene Assessment Status Update (the assignee, the assigner or staff)', params: Type.Object({ pk: Type.String({ maxLength: 20 }) }), body: SceneStatusBody, response: { 200: SceneStatus, ...errors } },
    },
    async (request) => picker.updateSceneStatus(app.db, await actor(request), request.params.pk, request.body),
  );
}

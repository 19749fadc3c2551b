import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as captures from './captures.service.js';
import { errors, read, TAGS, withNotFound, withConflict, write } from './decks.routes.js';
import { ownerOf } from './owner.js';
import { CaptureBody, CaptureParams, CapturesQuery, page, Rejection, Review, ReviewBody, TaskCapture } from './tasking.schemas.js';

/** Task captures, their reviews and rejections. */
export default async function captureRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/task_capture/:task_capture_id/rejection',
    { config: read, schema: { operationId: 'getTaskCaptureRejection', tags: TAGS, summary: 'Get Task Capture Rejection (of its latest review)', params: CaptureParams, response: { 200: Rejection, ...withNotFound } } },
    (request) => captures.getRejection(app.db, ownerOf(request), request.params.task_capture_id),
  );

  app.post(
    '/task_capture',
    { config: write, schema: { operationId: 'createTaskCapture', tags: TAGS, summary: 'Record a capture of a target spec', body: CaptureBody, response: { 201: TaskCapture, ...withConflict } } },
    async (request, reply) => reply.code(201).send(await captures.createCapture(app.db, ownerOf(request), request.body)),
  );

  app.get(
    '/task_captures',
    { config: read, schema: { operationId: 'listTaskCaptures', tags: TAGS, summary: 'Your organization’s captures, latest capture first', querystring: CapturesQuery, response: { 200: page(TaskCapture), ...errors } } },
    (request) => captures.listCaptures(app.db, ownerOf(request), request.query),
  );

  app.get(
    '/task_capture/:task_capture_id',
    { config: read, schema: { operationId: 'getTaskCapture', tags: TAGS, summary: 'Get a task capture', params: CaptureParams, response: { 200: TaskCapture, ...withNotFound } } },
    (request) => captures.getCapture(app.db, ownerOf(request), request.params.task_capture_id),
  );

  app.post(
    '/task_capture/:task_capture_id/review',
    {
      config: write,
      schema: { operationId: 'reviewTaskCapture', tags: TAGS, summary: 'Accept or reject a capture (a rejection gives reason, description, notes)', params: CaptureParams, body: ReviewBody, response: { 201: Review, ...withNotFound } },
    },
    async (request, reply) => reply.code(201).send(await captures.reviewCapture(app.db, ownerOf(request), request.params.task_capture_id, request.body)),
  );

  app.get(
    '/task_capture/:task_capture_id/reviews',
    { config: read, schema: { operationId: 'listTaskCaptureReviews', tags: TAGS, summary: 'A capture’s reviews, newest first', params: CaptureParams, response: { 200: Type.Array(Review), ...withNotFound } } },
    (request) => captures.listReviews(app.db, ownerOf(request), request.params.task_capture_id),
  );
}

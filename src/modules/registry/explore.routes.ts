import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../platform/errors.js';
import { PAGE_CSP, escapeHtml, htmlPage } from '../../platform/http/html-page.js';
import { isUuid } from '../../platform/uuid.js';
import * as registry from './registry.service.js';

const Html = { content: { 'text/html': { schema: Type.String() } } };

/**
 * The public page a project's `publicUrl` names (`/explore/projects/{id}`), as a registry's
 * explorer shows a project to anyone: its name and number, and where its API record is.
 */
export default async function exploreRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const links = { base: app.config.publicUrl };
  app.get(
    '/explore/projects/:id',
    {
      config: { auth: 'none' },
      schema: { hide: true, operationId: 'exploreProject', tags: ['registry'], summary: "A project's public page (its publicUrl)", params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: Html, 404: Html } },
    },
    async (request, reply) => {
      reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP);
      try {
        if (!isUuid(request.params.id)) throw new NotFoundError('No such project.');
        const project = await registry.getProject(app.db, request.params.id, links);
        return reply.send(
          htmlPage(
            project.fullName,
            `<h1>${escapeHtml(project.fullName)}</h1>
<p>Project number ${escapeHtml(project.num)} in the Carbon Atlas credit registry.</p>
<p>API record: <code>GET ${escapeHtml(project.url)}</code> (with credentials). <a href="/">Carbon Atlas</a></p>`,
          ),
        );
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        return reply.status(404).send(htmlPage('Project not found', '<h1>Project not found</h1><p><a href="/">Carbon Atlas</a></p>'));
      }
    },
  );
}

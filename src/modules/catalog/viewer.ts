import type { FastifyRequest } from 'fastify';
import { grants } from '../../platform/auth/scopes.js';
import { ANONYMOUS, type Viewer } from './plume-filter.js';

/** Published plumes for everyone; an organization's analysts (catalog:write) also see its own unpublished ones. */
export function viewerOf(request: FastifyRequest): Viewer {
  const principal = request.principal;
  if (!principal?.organizationId || !grants(principal.scopes, 'catalog:write')) return ANONYMOUS;
  return { organizationId: principal.organizationId };
}

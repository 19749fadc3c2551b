import type { FastifyRequest } from 'fastify';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { grants } from '../../platform/auth/scopes.js';

/** Tasking data belongs to an organization: its members and keys see and change it, nobody else. */
export interface Owner {
  organizationId: string;
  organizationName: string;
  canWrite: boolean;
  /** Who signs a review: the user's e-mail, or the API key's prefix. */
  reviewer: string;
}

export function ownerOf(request: FastifyRequest): Owner {
  const principal = principalOf(request);
  return {
    organizationId: principal.organizationId,
    organizationName: principal.organizationName,
    canWrite: grants(principal.scopes, 'tasking:write'),
    reviewer: principal.userEmail ?? `api key ${principal.apiKeyPrefix ?? 'unknown'}`,
  };
}

/** The organization's layers only (not one member's personal uploads): every member sees the same spec. */
export const layerViewerOf = (owner: Owner) => ({ organizationId: owner.organizationId, userId: null });

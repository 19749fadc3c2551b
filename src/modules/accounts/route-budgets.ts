import type { FastifyContextConfig } from 'fastify';
import { mailRecipientBudget } from '../../platform/auth/auth-plugin.js';

/** Routes that take a password, token or e-mailed link instead of credentials: the stricter per-address budget. */
export const CREDENTIAL_ROUTE: FastifyContextConfig = { auth: 'none', rateLimit: { address: 'credentials' } };

/** Credential routes that also mail the address in the body's `email`: each recipient has an hourly budget too. */
export const MAILING_ROUTE: FastifyContextConfig = { auth: 'none', rateLimit: { address: 'credentials', target: mailRecipientBudget('email') } };

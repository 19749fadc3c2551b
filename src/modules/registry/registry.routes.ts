import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../platform/auth/auth-plugin.js';
import { BadRequestError } from '../../platform/errors.js';
import { ErrorSchemas } from '../../platform/http/error-families.js';
import { platformErrorResponses } from '../../platform/http/common-schemas.js';
import { startWorker } from '../../platform/jobs/jobs.js';
import { answerOnce, IdempotencyHeaders } from '../../platform/idempotency/idempotent-route.js';
import { logBackgroundFailure } from '../../platform/db/database-errors.js';
import * as registry from './registry.service.js';
import exploreRoutes from './explore.routes.js';
import {
  ActionBody,
  ActionParams,
  AddressList,
  Address,
  API_VERSIONS,
  ChainQuery,
  ChainVerification,
  Friendbot,
  Inventory,
  InventoryQuery,
  IssueBody,
  NewAddressBody,
  NewProjectBody,
  Organization,
  OrganizationParams,
  Project,
  ProjectParams,
  Retirement,
  RetirementParams,
  Transaction,
  TransactionList,
  TransactionListQuery,
  TransactionParams,
} from './registry.schemas.js';

const TAGS = ['registry'];
const errors = { ...platformErrorResponses, 400: ErrorSchemas.platform, 404: ErrorSchemas.platform };
const withConflict = { ...errors, 409: ErrorSchemas.platform };

function requireKnownVersion(request: FastifyRequest) {
  const version = request.headers['x-icr-api-version'];
  if (version !== undefined && !(API_VERSIONS as readonly string[]).includes(String(version))) {
    throw new BadRequestError(`Unsupported x-icr-api-version ${String(version)}; supported: ${API_VERSIONS.join(', ')}.`);
  }
}

/** The carbon-credit registry (credit registry API page) and its transaction workers. */
export default async function registryModule(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const links = { base: app.config.publicUrl };
  app.addHook('onRequest', async (request) => requireKnownVersion(request));
  await app.register(exploreRoutes);

  const workers = Array.from({ length: app.config.REGISTRY_WORKERS }, () =>
    startWorker(app.db, registry.TRANSACTIONS_QUEUE, (payload, db) => registry.processTransaction(db, String(payload.transactionId)), (error) => logBackgroundFailure(app.log, 'registry worker', error)),
  );
  app.addHook('preClose', async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
  });
  const wakeWorkers = () => workers.forEach((worker) => worker.wake());

  app.get(
    '/organizations/:id',
    { config: { scopes: ['organization_info:read'] }, schema: { operationId: 'getRegistryOrganization', tags: TAGS, summary: 'Get an organization (public ones to anyone, private ones to themselves)', params: OrganizationParams, response: { 200: Organization, ...errors } } },
    (request) => registry.getOrganization(app.db, principalOf(request), request.params.id, links),
  );

  app.get(
    '/organizations/:id/addresses',
    { config: { scopes: ['organization_info:read'] }, schema: { operationId: 'listOrganizationAddresses', tags: TAGS, summary: "An organization's inventory accounts: the default one and subaccounts", params: OrganizationParams, response: { 200: AddressList, ...errors } } },
    (request) => registry.listAddresses(app.db, principalOf(request), request.params.id),
  );

  app.post(
    '/organizations/:id/addresses',
    { config: { scopes: ['organization_inventory:read_write'] }, schema: { operationId: 'openSubaccount', tags: TAGS, summary: 'Open a subaccount (a Carbon Atlas addition)', headers: IdempotencyHeaders, params: OrganizationParams, body: NewAddressBody, response: { 201: Address, ...withConflict } } },
    (request, reply) => answerOnce(app.db, request, reply, principalOf(request).organizationId, 201, (db) => registry.openSubaccount(db, principalOf(request), request.params.id, request.body.name)),
  );

  app.get(
    '/organizations/:id/inventory',
    { config: { scopes: ['organization_inventory:read'] }, schema: { operationId: 'getInventory', tags: TAGS, summary: "The organization's credits (`?development`: the sandbox ledger)", params: OrganizationParams, querystring: InventoryQuery, response: { 200: Inventory, ...errors } } },
    (request) => registry.getInventory(app.db, principalOf(request), request.params.id, request.query.development === undefined ? 'live' : 'sandbox', links),
  );

  app.post(
    '/organizations/:id/inventory/action/:action',
    {
      config: { scopes: ['organization_inventory:read_write'] },
      // A cancel sent with the page's sample body (no transactionId) hears what to send, not its other fields' faults.
      attachValidation: true,
      schema: { operationId: 'transactCredits', tags: TAGS, summary: 'Queue a transfer, retirement or transfer_retire (reserving the tonnes), or cancel a pending one', headers: IdempotencyHeaders, params: ActionParams, body: ActionBody, response: { 200: Transaction, ...withConflict } },
    },
    async (request, reply) => {
      if (request.validationError) throw registry.cancelWithoutTransaction(request.params, request.body) ?? request.validationError;
      const answered = await answerOnce(app.db, request, reply, principalOf(request).organizationId, 200, (db) => registry.requestAction(db, principalOf(request), request.params.id, request.params.action, request.body, links));
      wakeWorkers();
      return answered;
    },
  );

  app.get(
    '/organizations/:id/transactions',
    {
      config: { scopes: ['organization_inventory:read'] },
      schema: {
        operationId: 'listTransactions',
        tags: TAGS,
        summary: "The organization's latest transactions, sent or received, newest first (a Carbon Atlas addition; `?development`: the sandbox ledger)",
        params: OrganizationParams,
        querystring: TransactionListQuery,
        response: { 200: TransactionList, ...errors },
      },
    },
    (request) => {
      const { limit, state, development } = request.query;
      return registry.listTransactions(app.db, principalOf(request), request.params.id, { limit, state, ledger: development === undefined ? 'live' : 'sandbox' }, links);
    },
  );

  for (const path of ['/organizations/:id/transactions/:transactionId', '/organizations/:id/inventory/transactions/:transactionId']) {
    app.get(
      path,
      { config: { scopes: ['organization_inventory:read'] }, schema: { operationId: path.includes('inventory') ? 'getInventoryTransaction' : 'getTransaction', tags: TAGS, summary: 'A transaction the organization sent or received', params: TransactionParams, response: { 200: Transaction, ...errors } } },
      (request) => registry.getTransaction(app.db, principalOf(request), request.params.id, request.params.transactionId, links),
    );
  }

  app.get(
    '/organizations/:id/friendbot',
    {
      // A write behind a GET: it needs the inventory write permission, and deposits are bounded per organization per day.
      config: { scopes: ['organization_inventory:read_write'] },
      schema: { operationId: 'friendbot', tags: TAGS, summary: '100 test credits into your own organization, on the sandbox ledger only (at most 10 deposits a UTC day)', params: OrganizationParams, response: { 200: Friendbot, ...errors } },
    },
    (request) => registry.friendbot(app.db, principalOf(request), request.params.id),
  );

  app.get(
    '/projects/:id',
    { schema: { operationId: 'getProject', tags: TAGS, summary: 'Get a project', params: ProjectParams, response: { 200: Project, ...errors } } },
    (request) => registry.getProject(app.db, request.params.id, links),
  );

  app.post(
    '/projects',
    { config: { scopes: ['registry:write'] }, schema: { operationId: 'createProject', tags: TAGS, summary: 'Register a project (registry operators)', headers: IdempotencyHeaders, body: NewProjectBody, response: { 201: Project, ...withConflict } } },
    (request, reply) => answerOnce(app.db, request, reply, principalOf(request).organizationId, 201, (db) => registry.createProject(db, principalOf(request), request.body, links)),
  );

  app.post(
    '/projects/:id/issuances',
    { config: { scopes: ['registry:write'] }, schema: { operationId: 'issueCredits', tags: TAGS, summary: "Issue a vintage's credits into an organization (registry operators)", headers: IdempotencyHeaders, params: ProjectParams, body: IssueBody, response: { 201: Transaction, ...withConflict } } },
    (request, reply) => {
      const { development, ...issue } = request.body;
      return answerOnce(app.db, request, reply, principalOf(request).organizationId, 201, (db) => registry.issueCredits(db, principalOf(request), request.params.id, { ...issue, ledger: development ? 'sandbox' : 'live' }, links));
    },
  );

  app.get(
    '/retirements/:id',
    { config: { auth: 'none' }, schema: { operationId: 'getRetirement', tags: TAGS, summary: 'A public retirement record by its opaque id: tonnes, serials, date, chain entry; beneficiary, reason and comment only for a public organization', params: RetirementParams, response: { 200: Retirement, 404: ErrorSchemas.platform, 422: ErrorSchemas.platform } } },
    (request) => registry.getRetirement(app.db, request.params.id, links),
  );

  app.get(
    '/registry/chain/verify',
    { config: { scopes: ['registry:read'] }, schema: { operationId: 'verifyChain', tags: TAGS, summary: "Recompute every processed transaction's hash and link", querystring: ChainQuery, response: { 200: ChainVerification, ...errors } } },
    (request) => registry.verifyChain(app.db, request.query.ledger),
  );
}

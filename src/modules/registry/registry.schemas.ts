import { Type } from 'typebox';
import { Nullable, Uuid, Timestamp } from '../../platform/http/common-schemas.js';

export const API_VERSIONS = ['2023-06-16'] as const;

export const Project = Type.Object({ id: Uuid, fullName: Type.String(), url: Type.String(), publicUrl: Type.String(), num: Type.String() });

export const Organization = Type.Object({
  createdAt: Timestamp,
  updatedAt: Timestamp,
  fullName: Type.String(),
  countryCode: Type.String(),
  city: Type.String(),
  zip: Type.String(),
  physicalAddress: Type.String(),
  registrationNumber: Type.String(),
  website: Type.String(),
  logo: Type.String(),
  id: Uuid,
  organizationIndustries: Type.Object({ code: Type.String(), name: Type.String() }),
  type: Type.String(),
  isPublic: Type.Boolean(),
  url: Type.String(),
});

export const Address = Type.Object({ address: Type.String({ pattern: '^0x[0-9a-f]{40}$', examples: ['0x5b38da6a701c568545dcfcb03fcb875f56beddc4'] }), name: Type.String(), isDefault: Type.Boolean(), createdAt: Timestamp });
export const AddressList = Type.Object({ organizationId: Uuid, addresses: Type.Array(Address) });
export const NewAddressBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) });

export const Credit = Type.Object({
  organizationId: Uuid,
  id: Type.String({ description: '`<type>-<batch number>-<token address>`' }),
  tokenId: Uuid,
  tokenAddress: Type.String(),
  project: Project,
  serialization: Type.String(),
  vintage: Type.String(),
  supply: Type.Integer(),
  unit: Type.String(),
  amount: Type.Integer({ description: 'Tonnes available (not reserved by a pending transaction, not retired).' }),
  type: Type.Enum(['exAnte', 'exPost']),
});
export const Inventory = Type.Object({ credits: Type.Array(Credit), organizationId: Uuid });
export const InventoryQuery = Type.Object({ development: Type.Optional(Type.String({ description: 'If present (any value), the sandbox inventory.' })) });

export const ActionBody = Type.Object({
  creditId: Type.Optional(Type.String({ maxLength: 100, examples: ['exPost-2-0x1234567890abcdef1234567890abcdef12345678'] })),
  amount: Type.Optional(Type.Number({ maximum: 1_000_000_000, description: 'Whole tonnes; no batch holds more than 10^9.', examples: [100] })),
  toOrganizationId: Type.Optional(Uuid),
  toAddress: Type.Optional(
    Type.String({
      pattern: '^0x[0-9a-fA-F]{40}$',
      // The page's own sample (0x1234567890abcdef) is 16 hex digits: say what a real address is.
      'x-error-message': 'must be an inventory account address: 0x followed by 40 hex digits, as GET /organizations/{id}/addresses lists them; or leave toAddress out and send toOrganizationId alone',
    }),
  ),
  transactionId: Type.Optional(Type.String({ format: 'uuid', description: 'For `cancel`: the pending transaction to cancel.' })),
  retirementData: Type.Optional(
    Type.Object({
      reason: Type.Optional(Type.String({ maxLength: 1000 })),
      beneficiaryName: Type.Optional(Type.String({ maxLength: 300 })),
      comment: Type.Optional(Type.String({ maxLength: 2000 })),
    }),
  ),
});
export const ActionParams = Type.Object({ id: Uuid, action: Type.Enum(['transfer', 'retire', 'transfer_retire', 'cancel']) });

export const Transaction = Type.Object({
  action: Type.String(),
  type: Type.String(),
  id: Uuid,
  toAddress: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  tokenId: Uuid,
  tokenAddress: Type.String(),
  creditId: Type.String(),
  serialization: Type.String(),
  vintage: Type.String(),
  amount: Type.Integer(),
  fromOrganizationId: Uuid,
  toOrganizationId: Nullable(Uuid),
  project: Project,
  txId: Nullable(Type.String({ description: 'Set once processed: sha256 of the previous txId and this content.' })),
  state: Type.Enum(['pending', 'processing', 'processed', 'failed', 'cancelled']),
  transactionData: Type.Object({ creditId: Type.String(), tokenId: Type.String(), amount: Type.Integer(), serialization: Type.String() }),
  retirementId: Nullable(Type.String()),
  retirementReason: Nullable(Type.String()),
  retirementComment: Nullable(Type.String()),
  beneficiaryName: Nullable(Type.String()),
  failureReason: Nullable(Type.String()),
  ledger: Type.Enum(['live', 'sandbox']),
});
export const TransactionList = Type.Object({ organizationId: Uuid, transactions: Type.Array(Transaction) });
export const TransactionListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'How many of the latest transactions (1–100).' }),
  state: Type.Optional(Type.Enum(['pending', 'processing', 'processed', 'failed', 'cancelled'])),
  development: Type.Optional(Type.String({ description: 'If present (any value), the sandbox ledger.' })),
});
export const TransactionParams = Type.Object({ id: Uuid, transactionId: Uuid });
export const OrganizationParams = Type.Object({ id: Uuid });

export const Friendbot = Type.Object({ serialization: Type.String(), amount: Type.Integer(), transactionId: Type.String() });

export const NewProjectBody = Type.Object({
  fullName: Type.String({ minLength: 1, maxLength: 300 }),
  countryCode: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 3166-1 alpha-3' }),
});
export const IssueBody = Type.Object({
  vintage: Type.Integer({ minimum: 1990, maximum: 2100 }),
  supply: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
  type: Type.Enum(['exAnte', 'exPost']),
  toOrganizationId: Uuid,
  development: Type.Optional(Type.Boolean({ description: 'Issue on the sandbox ledger.' })),
});
export const ProjectParams = Type.Object({ id: Uuid });

export const Retirement = Type.Object({
  id: Uuid,
  /** The retiring organization while its registry profile is public; null otherwise. */
  organizationId: Nullable(Uuid),
  beneficiaryName: Type.String(),
  reason: Type.String(),
  comment: Type.String(),
  amount: Type.Integer(),
  serialRanges: Type.Array(Type.Array(Type.Integer())),
  serialization: Type.String(),
  project: Project,
  vintage: Type.String(),
  type: Type.String(),
  ledger: Type.String(),
  retiredAt: Timestamp,
  txId: Nullable(Type.String()),
});
/** Retirement records are public: their ids are opaque, so that nobody can enumerate them. */
export const RetirementParams = Type.Object({ id: Uuid });

export const ChainQuery = Type.Object({ ledger: Type.Enum(['live', 'sandbox'], { default: 'live' }) });
export const ChainVerification = Type.Object({
  ledger: Type.String(),
  valid: Type.Boolean(),
  length: Type.Integer(),
  headTxId: Type.String(),
  brokenAt: Nullable(Type.Object({ sequence: Type.Integer(), transactionId: Uuid, problem: Type.String() })),
});

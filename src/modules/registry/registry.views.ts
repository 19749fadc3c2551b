import type { BatchRow, ProfileRow, ProjectRow } from './registry.queries.js';
import type { TransactionRow } from './ledger.queries.js';
import { serialization } from './serials.js';

/** Links in responses are absolute, under PUBLIC_URL, as the page's are under its host. */
export interface Links {
  base: string;
}

export function creditIdOf(batch: Pick<BatchRow, 'type' | 'num' | 'token_address'>): string {
  return `${batch.type}-${batch.num}-${batch.token_address}`;
}

/** `<type>-<batch number>-<token address>` → batch number, or undefined. */
export function batchNumOfCreditId(creditId: string): number | undefined {
  const match = /^(exAnte|exPost)-(\d{1,9})-0x[0-9a-f]{40}$/.exec(creditId);
  return match ? Number(match[2]) : undefined;
}

export function organizationView(row: ProfileRow, links: Links) {
  return {
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    fullName: row.full_name ?? row.organization_name,
    countryCode: row.country_code ?? '',
    city: row.city,
    zip: row.zip,
    physicalAddress: row.physical_address,
    registrationNumber: row.registration_number,
    website: row.website,
    logo: row.logo,
    id: row.organization_id,
    organizationIndustries: { code: row.industry_code, name: row.industry_name },
    type: row.type,
    isPublic: row.is_public,
    url: `${links.base}/organizations/${row.organization_id}`,
  };
}

export function projectView(project: Pick<ProjectRow, 'id' | 'full_name' | 'num'>, links: Links) {
  return {
    id: project.id,
    fullName: project.full_name,
    url: `${links.base}/projects/${project.id}`,
    publicUrl: `${links.base}/explore/projects/${project.id}`,
    num: String(project.num),
  };
}

function batchProject(batch: BatchRow, links: Links) {
  return projectView({ id: batch.project_id, full_name: batch.project_name, num: batch.project_num }, links);
}

function batchSerialization(batch: BatchRow, ranges: [number, number][]) {
  const parts = { countryCode: batch.country_code, projectNum: Number(batch.project_num), type: batch.type, vintage: batch.vintage };
  return ranges.map(([first, last]) => serialization(parts, first, last)).join(',');
}

export function creditView(organizationId: string, batch: BatchRow, amount: number, links: Links) {
  const first = Number(batch.serial_first);
  return {
    organizationId,
    id: creditIdOf(batch),
    tokenId: batch.id,
    tokenAddress: batch.token_address,
    project: batchProject(batch, links),
    serialization: batchSerialization(batch, [[first, first + Number(batch.supply) - 1]]),
    vintage: String(batch.vintage),
    supply: Number(batch.supply),
    unit: batch.unit,
    amount: Number(amount),
    type: batch.type,
  };
}

export function transactionView(row: TransactionRow, batch: BatchRow, links: Links) {
  const amount = Number(row.amount);
  const serials = batchSerialization(batch, row.serial_ranges);
  return {
    action: row.action,
    type: batch.type,
    id: row.id,
    toAddress: row.to_address,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    tokenId: batch.id,
    tokenAddress: batch.token_address,
    creditId: creditIdOf(batch),
    serialization: serials,
    vintage: String(batch.vintage),
    amount,
    fromOrganizationId: row.organization_id,
    toOrganizationId: row.to_organization_id,
    project: batchProject(batch, links),
    txId: row.tx_id,
    state: row.state,
    transactionData: { creditId: creditIdOf(batch), tokenId: batch.id, amount, serialization: serials },
    retirementId: row.retirement_id,
    retirementReason: row.retirement_reason,
    retirementComment: row.retirement_comment,
    beneficiaryName: row.retirement_beneficiary,
    failureReason: row.failure_reason,
    ledger: row.ledger,
  };
}

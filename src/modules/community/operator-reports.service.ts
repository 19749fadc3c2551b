import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../platform/db/database.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { findVisiblePlume } from '../catalog/community.service.js';
import { refreshNotificationStates } from './notifications.queries.js';
import * as queries from './operator-reports.queries.js';
import type { OperatorReportForm, OperatorReportsQuery } from './operator-reports.schemas.js';
import { imageExtension, parseLocation, prohibitedField, type Classification } from './report-fields.js';

export interface Reporter {
  organizationId: string;
  userId: string | null;
}

/** Where leak images go and how their links are made (the blob store and a URL signer, from the routes). */
export interface LeakImages {
  put(key: string, bytes: Uint8Array): Promise<void>;
  url(key: string): Promise<string>;
}

const REQUIRED_ON_CREATE = ['plume_identifier', 'investigation_date', 'investigation_method'] as const;
const field = (name: string | number, message: string, ...rest: (string | number)[]) => ValidationError.field('body', [name, ...rest], message);

export async function reportView(row: queries.ReportRow, reporter: Reporter, images: LeakImages) {
  const { organization_id, plume_uuid: _plume, leak_image_key, created, modified, ...values } = row;
  return {
    ...values,
    // Required on create, so never null in a stored report.
    investigation_date: values.investigation_date!,
    investigation_method: values.investigation_method!,
    location: row.location ? row.location.map(Number) : null,
    leak_image_url: leak_image_key ? await images.url(leak_image_key) : null,
    owned: organization_id === reporter.organizationId,
    created: created.toISOString(),
    modified: modified.toISOString(),
  };
}

function emptyValues(): Omit<queries.ReportValues, 'plume_uuid' | 'plume_id'> {
  return { ...(Object.fromEntries(queries.PLAIN_COLUMNS.map((c) => [c, null])) as Record<queries.PlainColumn, null>), location: null, leak_image_key: null };
}

/**
 * Create (no id) or update (id of one of your reports) from the page's multipart form: fields left
 * out stay as they are, an empty string unsets one, `location` comes as two values. The merged
 * report must respect its classification's field rules; the first field breaking them is named.
 */
export async function saveReport(db: Database, reporter: Reporter, form: OperatorReportForm, image: Buffer | undefined, images: LeakImages) {
  const given = form as Record<string, string | string[] | undefined>;
  if (form.leak_image !== undefined && !image) throw field('leak_image', form.leak_image === '' ? 'The leak image cannot be unset.' : 'Send leak_image as a file (curl -F leak_image=@image.jpg).');
  const extension = image ? imageExtension(image) : undefined;
  if (image && !extension) throw field('leak_image', 'The leak image must be a JPEG, PNG, WebP or GIF file.');
  let location: [number, number] | null | undefined;
  if (form.location !== undefined) {
    const values = Array.isArray(form.location) ? form.location : [form.location];
    if (values.length === 1 && values[0] === '') location = null;
    else {
      const parsed = parseLocation(values);
      if (typeof parsed === 'string') throw field('location', parsed);
      location = parsed;
    }
  }
  if (form.id) {
    for (const name of REQUIRED_ON_CREATE) if (given[name] === '') throw field(name, `${name} is required and cannot be unset.`);
  } else {
    for (const name of REQUIRED_ON_CREATE) if (!given[name]) throw field(name, `${name} is required to create a report.`);
  }
  const plume = form.plume_identifier ? await findVisiblePlume(db, { organizationId: reporter.organizationId }, form.plume_identifier) : undefined;
  if (form.plume_identifier && !plume) throw new NotFoundError(`Plume ${form.plume_identifier} not found.`);

  const id = await db.transaction(async (tx) => {
    const existing = form.id ? await queries.lockOwnReport(tx, reporter.organizationId, form.id) : undefined;
    if (form.id && !existing) throw new NotFoundError(`Operator report ${form.id} not found.`);
    const reportId = existing?.id ?? randomUUID();
    const values: queries.ReportValues = existing
      ? { ...existing }
      : { ...emptyValues(), plume_uuid: plume!.id, plume_id: plume!.plume_id };
    for (const column of queries.PLAIN_COLUMNS) {
      const value = given[column];
      if (typeof value === 'string') values[column] = value === '' ? null : value;
    }
    if (plume) Object.assign(values, { plume_uuid: plume.id, plume_id: plume.plume_id });
    if (location !== undefined) values.location = location;
    const classification = values.classification as Classification | null;
    const broken = prohibitedField(classification, { ...values, leak_image: image ?? values.leak_image_key });
    if (broken) {
      const rule = `${broken.field} is allowed only for classification ${broken.allowed.join(' or ')}`;
      throw field(broken.field, classification ? `${rule}, not ${classification}${given[broken.field] === undefined && broken.field !== 'leak_image' ? ' (send it as an empty string to unset it)' : ''}.` : `${rule}; set classification first.`);
    }
    if (image) {
      values.leak_image_key = `${reporter.organizationId}/community/${reportId}/${randomUUID()}.${extension}`;
      await images.put(values.leak_image_key, image);
    }
    if (existing) await queries.updateReport(tx, reportId, values);
    else await queries.insertReport(tx, { id: reportId, organizationId: reporter.organizationId, userId: reporter.userId, values });
    await refreshNotificationStates(tx, reporter.organizationId, [...new Set([values.plume_uuid, ...(existing ? [existing.plume_uuid] : [])])]);
    return reportId;
  });
  return reportView((await queries.selectReport(db, id))!, reporter, images);
}

export async function listReports(db: Queryable, reporter: Reporter, query: OperatorReportsQuery, images: LeakImages) {
  const filter: queries.ReportFilter = { organizationId: reporter.organizationId };
  if (query.id) filter.id = query.id;
  if (query.plume_ids?.length) filter.plumeIds = query.plume_ids;
  if (query.published !== undefined && query.published !== null) filter.published = query.published;
  if (query.owned !== undefined && query.owned !== null) filter.owned = query.owned;
  const [rows, count] = await Promise.all([queries.selectReports(db, filter, query), queries.countReports(db, filter)]);
  return { items: await Promise.all(rows.map((row) => reportView(row, reporter, images))), count };
}

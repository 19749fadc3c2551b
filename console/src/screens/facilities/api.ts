import { api, dataOf, type Answer } from '../../api/client.js';
import type { FacilitySummary } from '../emissions/api.js';
import type { ConsumptionBody } from './consumption-form.js';

export type ConsumptionEntry = Answer<'/v1/facilities/{facility_id}/consumption'>['items'][number];

export function facility(id: string, signal?: AbortSignal): Promise<FacilitySummary> {
  return dataOf(api.GET('/v1/facilities/{facility_id}', { params: { path: { facility_id: id } }, ...(signal ? { signal } : {}) }));
}

export async function consumption(id: string, signal: AbortSignal): Promise<ConsumptionEntry[]> {
  return (await dataOf(api.GET('/v1/facilities/{facility_id}/consumption', { params: { path: { facility_id: id } }, signal }))).items;
}

export function addConsumption(id: string, body: ConsumptionBody): Promise<ConsumptionEntry> {
  return dataOf(api.POST('/v1/facilities/{facility_id}/consumption', { params: { path: { facility_id: id } }, body }));
}

import { request } from '../../api/client.js';
import type { FacilitySummary } from '../emissions/api.js';
import type { CalculatedEmission, ConsumptionBody } from './consumption-form.js';

export interface ConsumptionEntry {
  id: string;
  category: string;
  activity: string;
  quantity: number;
  unit: string;
  period_start: string;
  period_end: string;
  emission: (CalculatedEmission & { id: string }) | null;
  history: unknown[];
}

export function facility(id: string, signal?: AbortSignal): Promise<FacilitySummary> {
  return request<FacilitySummary>(`/v1/facilities/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export async function consumption(id: string, signal: AbortSignal): Promise<ConsumptionEntry[]> {
  return (await request<{ items: ConsumptionEntry[] }>(`/v1/facilities/${encodeURIComponent(id)}/consumption`, { signal })).items;
}

export function addConsumption(id: string, body: ConsumptionBody): Promise<ConsumptionEntry> {
  return request<ConsumptionEntry>(`/v1/facilities/${encodeURIComponent(id)}/consumption`, { method: 'POST', body });
}

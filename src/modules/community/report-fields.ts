/**
 * The operator report's form fields and the page's rules on them: which are text (and how long),
 * dates, enums, which classification allows each class-specific field. Pure: unit-tested alone.
 */
export const CLASSIFICATIONS = ['Unexpected', 'Expected', 'Unknown'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const INVESTIGATION_METHODS = ['Survey', 'Desktop Analysis'] as const;
export const LEAK_STATUSES = ['Needs Repair', 'Needs Verification', 'Delay of Repair', 'Repaired and Verified'] as const;

/** Free-text fields and their maximum lengths. */
export const TEXT_FIELDS = {
  notes: 5000,
  reported_by: 200,
  operator_name: 200,
  equipment_group: 200,
  component: 200,
  location_description: 1000,
  survey_method: 200,
  leak_notes: 5000,
  repair_status: 200,
  repair_notes: 5000,
  verification_status: 200,
  verification_notes: 5000,
  verification_method: 200,
  activity_type: 200,
  activity_detail_notes: 5000,
} as const;

export const DATE_FIELDS = ['investigation_date', 'confirmed_date', 'repair_date', 'verification_date', 'activity_date'] as const;

/** Fields only some classifications allow ([Classification …] on the page); all others are allowed always. */
export const CLASS_RULES: Record<string, readonly Classification[]> = {
  equipment_group: ['Unexpected', 'Expected'],
  component: ['Unexpected'],
  location: ['Unexpected'],
  location_description: ['Unexpected'],
  confirmed_date: ['Unexpected'],
  survey_method: ['Unexpected'],
  leak_status: ['Unexpected'],
  leak_notes: ['Unexpected'],
  leak_image: ['Unexpected'],
  repair_status: ['Unexpected'],
  repair_date: ['Unexpected'],
  repair_notes: ['Unexpected'],
  verification_status: ['Unexpected'],
  verification_date: ['Unexpected'],
  verification_notes: ['Unexpected'],
  verification_method: ['Unexpected'],
  activity_type: ['Expected'],
  activity_detail_notes: ['Expected'],
  activity_date: ['Expected'],
};

/**
 * The first class-specific field holding a value that the report's classification does not allow
 * (no classification allows none of them), in the page's order; undefined when all is well.
 */
export function prohibitedField(classification: Classification | null, values: Record<string, unknown>): { field: string; allowed: readonly Classification[] } | undefined {
  for (const [field, allowed] of Object.entries(CLASS_RULES)) {
    const value = values[field];
    if (value === null || value === undefined) continue;
    if (!classification || !allowed.includes(classification)) return { field, allowed };
  }
  return undefined;
}

/** The two `location` values: longitude then latitude, finite and within range. */
export function parseLocation(values: string[]): [number, number] | string {
  if (values.length !== 2) return 'send location twice: longitude, then latitude';
  const [lon, lat] = values.map((v) => (/^\s*-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(v) ? Number(v) : Number.NaN)) as [number, number];
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) return 'longitude must be a number between -180 and 180';
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) return 'latitude must be a number between -90 and 90';
  return [lon, lat];
}

/** Image types accepted as leak_image, recognised by their first bytes (not by the name or type sent). */
export function imageExtension(bytes: Uint8Array): 'jpg' | 'png' | 'webp' | 'gif' | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'webp';
  return undefined;
}

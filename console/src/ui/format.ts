const numbers = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

/** 1234.5 → "1,234.5"; null → "—". */
export function formatNumber(value: number | null | undefined, digits: 'whole' | 'one' = 'one'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return (digits === 'whole' ? whole : numbers).format(value);
}

/** "1,234 ± 120 kg/h" */
export function withUncertainty(value: number | null | undefined, uncertainty: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return 'not disclosed';
  const spread = uncertainty === null || uncertainty === undefined ? '' : ` ± ${formatNumber(uncertainty, 'whole')}`;
  return `${formatNumber(value, 'whole')}${spread} ${unit}`;
}

/** "2024-05-01 17:32 UTC" */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

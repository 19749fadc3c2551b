import { useEffect, useRef, useState } from 'preact/hooks';
import { Card, Empty, ErrorNote, Loading } from '../../ui/notices.js';
import { describe, useAsync } from '../../ui/use-async.js';
import { formatKg } from '../emissions/shape.js';
import { addConsumption, consumption, facility as loadFacility, type ConsumptionEntry } from './api.js';
import { CATEGORIES, consumptionBody, figureOf, FUELS, optionLabel, REFRIGERANTS, unitLabel, unitsFor, WATER_SERVICES, type ConsumptionCategory, type ConsumptionDraft, type Figure } from './consumption-form.js';

/** One facility: its CO2e, its consumption entries with the factor behind each figure, and the add form. */
export function FacilityPanel({ id, onChanged, onClose }: { id: string; onChanged: () => void; onClose: () => void }) {
  const site = useAsync((signal) => loadFacility(id, signal), [id]);
  const entries = useAsync((signal) => consumption(id, signal), [id]);
  const [added, setAdded] = useState<ConsumptionEntry | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [id]);

  const onAdded = (entry: ConsumptionEntry) => {
    setAdded(entry);
    site.reload();
    entries.reload();
    onChanged();
  };

  return (
    <section class="card facility-panel" aria-labelledby="facility-title">
      <header class="card-header">
        <h2 id="facility-title" ref={heading} tabIndex={-1}>
          {site.data?.name ?? 'Facility'}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close the facility">
          ×
        </button>
      </header>
      {site.error && <ErrorNote message={site.error} retry={site.reload} />}
      {site.data && (
        <p class="figure-line">
          Total <strong data-testid="facility-co2e">{formatKg(site.data.co2e)}</strong>
          {site.data.co2e_biomass > 0 && <span class="hint"> · biogenic CO₂ {formatKg(site.data.co2e_biomass)} (reported apart)</span>}
          <span class="hint"> · {site.data.country} · {site.data.status}</span>
        </p>
      )}
      {site.data && site.data.status === 'active' && site.data.categories.length > 0 && (
        <ConsumptionForm facilityId={id} categories={site.data.categories.filter((c): c is ConsumptionCategory => (CATEGORIES as readonly string[]).includes(c))} onAdded={onAdded} />
      )}
      {site.data && site.data.status !== 'active' && <p class="hint">An archived facility takes no new consumption.</p>}
      {added && <AddedNote entry={added} />}
      <h3>Consumption</h3>
      {entries.error && <ErrorNote message={entries.error} retry={entries.reload} />}
      {entries.loading && !entries.data && <Loading what="Loading consumption" />}
      {entries.data && entries.data.length === 0 && <Empty>No consumption recorded for this facility yet.</Empty>}
      {entries.data && entries.data.length > 0 && <EntriesTable entries={entries.data} />}
    </section>
  );
}

function FactorCell({ figure }: { figure: Figure | null }) {
  if (!figure) return <span class="hint">not calculated</span>;
  return (
    <span title={figure.choice ?? undefined}>
      <code>{figure.factorId}</code> <span class="hint">v{figure.factorVersion}</span>
    </span>
  );
}

function AddedNote({ entry }: { entry: ConsumptionEntry }) {
  const figure = figureOf(entry.emission);
  return (
    <div class="notice notice-ok" role="status" data-testid="added-figure">
      <span>
        Added: {entry.quantity} {unitLabel(entry.unit)} of {optionLabel(entry.activity)} → <strong>{figure ? formatKg(figure.kg) : 'no figure'}</strong>
        {figure && (
          <>
            {' '}
            (scope {figure.scope}; {figure.working}; factor <code>{figure.factorId}</code> version {figure.factorVersion}
            {figure.marketBasedKg !== null && <>; market-based {formatKg(figure.marketBasedKg)}</>})
          </>
        )}
      </span>
    </div>
  );
}

function EntriesTable({ entries }: { entries: ConsumptionEntry[] }) {
  const sorted = [...entries].sort((a, b) => (a.period_end < b.period_end ? 1 : a.period_end > b.period_end ? -1 : 0));
  return (
    <div class="table-scroll">
      <table class="table" data-testid="consumption">
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Activity</th>
            <th scope="col" class="num">Quantity</th>
            <th scope="col" class="num">CO₂e</th>
            <th scope="col">Factor (version)</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((entry) => {
            const figure = figureOf(entry.emission);
            return (
              <tr key={entry.id}>
                <td>
                  {entry.period_start} – {entry.period_end}
                </td>
                <td>{optionLabel(entry.activity)}</td>
                <td class="num">
                  {entry.quantity} {unitLabel(entry.unit)}
                </td>
                <td class="num" title={figure?.working ?? undefined}>
                  {figure ? formatKg(figure.kg) : '—'}
                  {figure && <span class="hint"> s{figure.scope}</span>}
                </td>
                <td>
                  <FactorCell figure={figure} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function lastMonth(): { start: string; end: string } {
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}

function ConsumptionForm({ facilityId, categories, onAdded }: { facilityId: string; categories: ConsumptionCategory[]; onAdded: (entry: ConsumptionEntry) => void }) {
  const period = lastMonth();
  const first = categories[0] ?? 'electricity';
  const [draft, setDraft] = useState<ConsumptionDraft>({ category: first, fuel: 'natural_gas', water_service: 'supply', refrigerant: 'R-410A', quantity: '', unit: unitsFor(first, 'natural_gas')[0]!, period_start: period.start, period_end: period.end });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const units = unitsFor(draft.category, draft.fuel);

  const change = (patch: Partial<ConsumptionDraft>) => {
    const next = { ...draft, ...patch };
    const allowed = unitsFor(next.category, next.fuel);
    if (!allowed.some((unit) => unit === next.unit)) next.unit = allowed[0]!;
    setDraft(next);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = consumptionBody(draft);
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    setProblems({});
    setError(null);
    setBusy(true);
    try {
      onAdded(await addConsumption(facilityId, result.body));
      setDraft({ ...draft, quantity: '' });
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: keyof ConsumptionDraft) => ({ 'aria-invalid': problems[name] ? true : undefined, 'aria-describedby': problems[name] ? `problem-${name}` : undefined });
  const problem = (name: string) => problems[name] && <span class="field-problem" id={`problem-${name}`}>{problems[name]}</span>;

  return (
    <form class="form consumption-form" onSubmit={submit} aria-label="Add consumption" noValidate>
      <h3>Add consumption</h3>
      <div class="form-row">
        <label>
          Category
          <select value={draft.category} onChange={(e) => change({ category: (e.target as HTMLSelectElement).value as ConsumptionCategory })} name="category">
            {categories.map((category) => (
              <option key={category} value={category}>
                {optionLabel(category)}
              </option>
            ))}
          </select>
        </label>
        {draft.category === 'heat' && (
          <label>
            Fuel
            <select value={draft.fuel} onChange={(e) => change({ fuel: (e.target as HTMLSelectElement).value })} name="fuel" {...field('fuel')}>
              {FUELS.map((fuel) => (
                <option key={fuel} value={fuel}>
                  {optionLabel(fuel)}
                </option>
              ))}
            </select>
            {problem('fuel')}
          </label>
        )}
        {draft.category === 'water' && (
          <label>
            Service
            <select value={draft.water_service} onChange={(e) => change({ water_service: (e.target as HTMLSelectElement).value })} name="water_service">
              {WATER_SERVICES.map((service) => (
                <option key={service} value={service}>
                  {service === 'supply' ? 'Mains supply' : 'Waste water treatment'}
                </option>
              ))}
            </select>
          </label>
        )}
        {draft.category === 'recharge' && (
          <label>
            Refrigerant
            <select value={draft.refrigerant} onChange={(e) => change({ refrigerant: (e.target as HTMLSelectElement).value })} name="refrigerant" {...field('refrigerant')}>
              {REFRIGERANTS.map((gas) => (
                <option key={gas} value={gas}>
                  {gas}
                </option>
              ))}
            </select>
            {problem('refrigerant')}
          </label>
        )}
      </div>
      <div class="form-row">
        <label>
          Quantity
          <input name="quantity" inputMode="decimal" value={draft.quantity} onInput={(e) => change({ quantity: (e.target as HTMLInputElement).value })} {...field('quantity')} />
          {problem('quantity')}
        </label>
        <label>
          Unit
          <select name="unit" value={draft.unit} onChange={(e) => change({ unit: (e.target as HTMLSelectElement).value })} {...field('unit')}>
            {units.map((unit) => (
              <option key={unit} value={unit}>
                {unitLabel(unit)}
              </option>
            ))}
          </select>
          {problem('unit')}
        </label>
        <label>
          From
          <input type="date" name="period_start" value={draft.period_start} onInput={(e) => change({ period_start: (e.target as HTMLInputElement).value })} {...field('period_start')} />
          {problem('period_start')}
        </label>
        <label>
          To
          <input type="date" name="period_end" value={draft.period_end} onInput={(e) => change({ period_end: (e.target as HTMLInputElement).value })} {...field('period_end')} />
          {problem('period_end')}
        </label>
      </div>
      {error && <ErrorNote message={error} />}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Calculating…' : 'Add and calculate CO₂e'}
      </button>
    </form>
  );
}

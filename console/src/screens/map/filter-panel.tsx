import { setQuery } from '../../router.js';
import { AreaFilter, type AreaFilterProps } from './area-filter.js';
import { INSTRUMENTS, QUALITIES, SECTORS, STATUSES, type FilterKey, type Filters } from './filters.js';

const set = (key: FilterKey) => (event: Event) => setQuery({ [key]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value.trim() });

/** Every filter of the map portal; each change goes to the address bar, which the map and the totals follow. */
export function FilterPanel({ filters, viewBounds, signedIn, area }: { filters: Filters; viewBounds: number[] | null; signedIn: boolean; area: Pick<AreaFilterProps, 'viewerKey' | 'drawing' | 'onDraw' | 'onFit'> }) {
  const sectors = new Set((filters.sectors ?? '').split(',').filter(Boolean));
  const toggleSector = (code: string, on: boolean) => {
    const next = new Set(sectors);
    if (on) next.add(code);
    else next.delete(code);
    setQuery({ sectors: [...next].join(',') });
  };
  return (
    <form class="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
      <fieldset>
        <legend>Sector</legend>
        {SECTORS.map((sector) => (
          <label key={sector.code} class="check">
            <input type="checkbox" checked={sectors.has(sector.code)} onChange={(event) => toggleSector(sector.code, (event.currentTarget as HTMLInputElement).checked)} />
            {sector.name} <span class="code">{sector.code}</span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Dates (UTC)</legend>
        <label for="f-from">From</label>
        <input id="f-from" type="date" value={filters.from ?? ''} onChange={set('from')} />
        <label for="f-to">To</label>
        <input id="f-to" type="date" value={filters.to ?? ''} onChange={set('to')} />
      </fieldset>
      <fieldset>
        <legend>Observation</legend>
        <label for="f-gas">Gas</label>
        <select id="f-gas" value={filters.gas ?? ''} onChange={set('gas')}>
          <option value="">Any</option>
          <option value="CH4">Methane (CH4)</option>
          <option value="CO2">Carbon dioxide (CO2)</option>
        </select>
        <label for="f-instrument">Instrument</label>
        <select id="f-instrument" value={filters.instrument ?? ''} onChange={set('instrument')}>
          <option value="">Any</option>
          {INSTRUMENTS.map((instrument) => (
            <option key={instrument}>{instrument}</option>
          ))}
        </select>
        <label for="f-quality">Quality</label>
        <select id="f-quality" value={filters.quality ?? ''} onChange={set('quality')}>
          <option value="">Any</option>
          {QUALITIES.map((quality) => (
            <option key={quality}>{quality}</option>
          ))}
        </select>
        {signedIn && (
          <>
            <label for="f-status">Status</label>
            <select id="f-status" value={filters.status ?? ''} onChange={set('status')}>
              <option value="">Any I may see</option>
              {STATUSES.map((status) => (
                <option key={status}>{status}</option>
              ))}
            </select>
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>Emission (kg/h)</legend>
        <label for="f-emin">At least</label>
        <input id="f-emin" type="number" min={0} max={1e9} step="any" inputMode="decimal" value={filters.emin ?? ''} onChange={set('emin')} />
        <label for="f-emax">At most</label>
        <input id="f-emax" type="number" min={0} max={1e9} step="any" inputMode="decimal" value={filters.emax ?? ''} onChange={set('emax')} />
      </fieldset>
      <fieldset>
        <legend>Sources</legend>
        <label for="f-minplumes">At least this many plumes</label>
        <input id="f-minplumes" type="number" min={1} max={1000} step={1} value={filters.minplumes ?? ''} onChange={set('minplumes')} />
        <label for="f-persistence">Persistence at least (%)</label>
        <input id="f-persistence" type="number" min={0} max={100} step={1} value={filters.persistence ?? ''} onChange={set('persistence')} />
        <label for="f-eps">Clustering radius (m)</label>
        <input id="f-eps" type="number" min={1} max={2000} step={1} value={filters.eps ?? ''} placeholder="100" onChange={set('eps')} />
      </fieldset>
      <AreaFilter filters={filters} viewBounds={viewBounds} signedIn={signedIn} {...area} />
      <button type="button" onClick={() => setQuery(Object.fromEntries(Object.keys(filters).map((key) => [key, null])))}>
        Clear all filters
      </button>
    </form>
  );
}

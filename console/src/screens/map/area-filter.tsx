import { api, dataOf } from '../../api/client.js';
import { setQuery } from '../../router.js';
import { useAsync } from '../../ui/use-async.js';
import { AdminAreaSearch } from './admin-area-search.js';
import type { Box } from './box-draw.js';
import type { Filters } from './filters.js';

/** The list answers `bbox` as four numbers (west, south, east, north); the schema types it as an array. */
interface AoiSummary {
  id: string;
  name: string | null;
  bbox: Box;
}

/** Names of the administrative areas picked in this page (a shared link only carries the id). */
const areaNames = new Map<string, string>();

/** One area at a time: choosing a box, an administrative area or an AOI drops the other two. */
const chooseArea = (changes: Partial<Record<'bbox' | 'area' | 'aoi', string>>) => setQuery({ bbox: null, area: null, aoi: null, ...changes });

export interface AreaFilterProps {
  filters: Filters;
  viewBounds: number[] | null;
  signedIn: boolean;
  /** The organization (or person) whose AOIs are listed: a change lists them again. */
  viewerKey: string;
  drawing: boolean;
  onDraw(on: boolean): void;
  /** Fit the map to a picked area. */
  onFit(bounds: Box): void;
}

/**
 * The area filter: draw a box on the map, use the view as the box, pick an administrative area by
 * name, or (signed in) one of the organization's AOIs; all kept in the address (bbox, area, aoi).
 */
export function AreaFilter({ filters, viewBounds, signedIn, viewerKey, drawing, onDraw, onFit }: AreaFilterProps) {
  const aois = useAsync((signal) => (signedIn ? (dataOf(api.GET('/api/v1/layers/aoi/list', { params: { query: { limit: 1000 } }, signal })) as unknown as Promise<{ items: AoiSummary[] }>) : Promise.resolve(null)), [signedIn, viewerKey]);
  const chosenAoi = aois.data?.items.find((aoi) => aoi.id === filters.aoi);
  const chosen = filters.bbox
    ? `The box ${filters.bbox.split(',').join(', ')}`
    : filters.area
      ? (areaNames.get(filters.area) ?? filters.area)
      : filters.aoi
        ? `AOI ${chosenAoi?.name ?? filters.aoi}`
        : null;
  return (
    <fieldset>
      <legend>Area</legend>
      <div class="row">
        <button type="button" aria-pressed={drawing} onClick={() => onDraw(!drawing)}>
          {drawing ? 'Stop drawing' : 'Draw a box'}
        </button>
        <button type="button" disabled={!viewBounds} onClick={() => viewBounds && chooseArea({ bbox: viewBounds.map((value) => value.toFixed(4)).join(',') })}>
          Use this view
        </button>
      </div>
      <AdminAreaSearch
        chosen={filters.area ? (areaNames.get(filters.area) ?? filters.area) : ''}
        onPick={(match) => {
          areaNames.set(match.gadm_composite_id, match.name);
          chooseArea({ area: match.gadm_composite_id });
          onFit(match.bbox);
        }}
      />
      {signedIn && (
        <>
          <label for="f-aoi">Area of interest</label>
          <select
            id="f-aoi"
            value={filters.aoi ?? ''}
            disabled={!aois.data}
            onChange={(event) => {
              const aoi = aois.data?.items.find((item) => item.id === event.currentTarget.value);
              chooseArea(aoi ? { aoi: aoi.id } : {});
              if (aoi) onFit(aoi.bbox);
            }}
          >
            <option value="">{aois.data && aois.data.items.length === 0 ? 'None yet (POST /api/v1/layers/aoi)' : 'None'}</option>
            {filters.aoi && !chosenAoi && <option value={filters.aoi}>{filters.aoi}</option>}
            {aois.data?.items.map((aoi) => (
              <option key={aoi.id} value={aoi.id}>
                {aoi.name ?? aoi.id}
              </option>
            ))}
          </select>
          {aois.error && <span class="hint">Your areas of interest could not be listed. {aois.error}</span>}
        </>
      )}
      {chosen && (
        <div class="chosen-area">
          <span data-testid="chosen-area">{chosen}</span>
          <button type="button" onClick={() => chooseArea({})}>
            Clear area
          </button>
        </div>
      )}
    </fieldset>
  );
}

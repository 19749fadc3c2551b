import '../dashboards.css';
import { setQuery, usePlace } from '../../router.js';
import { Card, Empty, ErrorNote, Loading } from '../../ui/notices.js';
import { useAsync } from '../../ui/use-async.js';
import { allFacilities } from '../emissions/api.js';
import { formatKg } from '../emissions/shape.js';
import { FacilityPanel } from './facility-panel.js';

/** Facilities with their CO2e; choosing one shows its consumption and the form to add some. */
export default function FacilitiesScreen() {
  const { query } = usePlace();
  const chosen = query.get('facility');
  const list = useAsync((signal) => allFacilities(signal), []);
  const facilities = list.data ?? [];
  return (
    <div class="page">
      <div class="page-header">
        <h1>Facilities</h1>
      </div>
      {list.error && <ErrorNote message={list.error} retry={list.reload} />}
      {list.loading && !list.data && <Loading what="Loading facilities" />}
      {list.data && facilities.length === 0 && <Empty>No facilities yet. Create one with <code>POST /v1/facilities</code>.</Empty>}
      {facilities.length > 0 && (
        <div class={chosen ? 'split' : undefined}>
          <Card title="Sites">
            <div class="table-scroll">
              <table class="table" data-testid="facilities">
                <thead>
                  <tr>
                    <th scope="col">Facility</th>
                    <th scope="col">Country</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">CO₂e</th>
                    <th scope="col" class="num">Biogenic CO₂</th>
                  </tr>
                </thead>
                <tbody>
                  {facilities.map((facility) => (
                    <tr key={facility.id} class={facility.id === chosen ? 'selected' : undefined}>
                      <td>
                        <a
                          href={`/facilities?facility=${facility.id}`}
                          onClick={(event) => {
                            if (event.button !== 0 || event.metaKey || event.ctrlKey) return;
                            event.preventDefault();
                            setQuery({ facility: facility.id }, { replace: false });
                          }}
                        >
                          {facility.name}
                        </a>
                        <span class="hint"> {facility.type}</span>
                      </td>
                      <td>{facility.country}</td>
                      <td>{facility.status}</td>
                      <td class="num" data-testid={`co2e-${facility.id}`}>
                        {formatKg(facility.co2e)}
                      </td>
                      <td class="num">{facility.co2e_biomass > 0 ? formatKg(facility.co2e_biomass) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          {chosen && <FacilityPanel id={chosen} onChanged={list.reload} onClose={() => setQuery({ facility: null }, { replace: false })} />}
        </div>
      )}
    </div>
  );
}

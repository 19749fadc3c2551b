import '../dashboards.css';
import { usePlace, setQuery } from '../../router.js';
import { Link } from '../../ui/link.js';
import { OverviewPanel } from './overview-panel.js';
import { RecordsPanel } from './records-panel.js';

/** Emissions: the year's insights (overview) and the records list, two tabs of one screen. */
export default function EmissionsScreen() {
  const { path } = usePlace();
  const records = path.startsWith('/emissions/records');
  return (
    <div class="page">
      <div class="page-header">
        <h1>Emissions</h1>
        <nav class="tabs" aria-label="Emissions views">
          <Link href="/emissions" current={!records}>
            Overview
          </Link>
          <Link href="/emissions/records" current={records}>
            Records
          </Link>
        </nav>
      </div>
      {records ? <RecordsPanel /> : <OverviewPanel onYear={(year) => setQuery({ year: String(year) })} />}
    </div>
  );
}

import { useState } from 'preact/hooks';
import { formatDateTime } from '../../ui/format.js';
import { Empty, ErrorNote, Loading } from '../../ui/notices.js';
import { useAsync } from '../../ui/use-async.js';
import { retirement, type Transaction } from './api.js';
import { shortHash } from './shape.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Public retirement records (`GET /retirements/{id}`, no credentials): the organization's own, or any by id. */
export function RetirementLookup({ retired }: { retired: Transaction[] }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      {retired.length === 0 ? (
        <Empty>No retirements among the latest transactions.</Empty>
      ) : (
        <ul class="list">
          {retired.map((t) => (
            <li key={t.id}>
              <button type="button" class="button-link" onClick={() => setChosen(t.retirementId)} aria-pressed={chosen === t.retirementId}>
                {t.amount} t for {t.beneficiaryName ?? 'a beneficiary'} ({formatDateTime(t.updatedAt).slice(0, 10)})
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!UUID.test(typed.trim())) return setProblem('A retirement id is a UUID, as a retirement’s transaction shows it.');
          setProblem(null);
          setChosen(typed.trim());
        }}
      >
        <label>
          Look up a retirement id <input value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} placeholder="UUID" />
        </label>
        <button type="submit">Show</button>
      </form>
      {problem && <ErrorNote message={problem} />}
      {chosen && <RetirementRecord id={chosen} />}
    </>
  );
}

function RetirementRecord({ id }: { id: string }) {
  const record = useAsync((signal) => retirement(id, signal), [id]);
  if (record.error) return <ErrorNote message={record.error} retry={record.reload} />;
  if (!record.data) return <Loading what="Loading the public record" />;
  const r = record.data;
  return (
    <dl class="record" data-testid="retirement-record">
      <dt>Retired</dt>
      <dd>
        {r.amount} t of {r.project.fullName}, vintage {r.vintage}, on {formatDateTime(r.retiredAt)}
      </dd>
      <dt>Serials</dt>
      <dd>
        {r.serialRanges.map((range) => (
          <code key={range.join('-')}>
            {range[0]}–{range[1]}{' '}
          </code>
        ))}
      </dd>
      <dt>Beneficiary</dt>
      <dd>{r.beneficiaryName}</dd>
      {r.reason && (
        <>
          <dt>Reason</dt>
          <dd>{r.reason}</dd>
        </>
      )}
      <dt>Ledger entry</dt>
      <dd>
        <code title={r.txId ?? undefined}>{shortHash(r.txId)}</code>
      </dd>
      <dt>Public link</dt>
      <dd>
        <a href={`/retirements/${r.id}`}>/retirements/{r.id}</a>
      </dd>
    </dl>
  );
}

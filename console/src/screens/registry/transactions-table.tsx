import { useState } from 'preact/hooks';
import { formatDateTime } from '../../ui/format.js';
import { Empty, ErrorNote } from '../../ui/notices.js';
import { describe } from '../../ui/use-async.js';
import { act, type Transaction } from './api.js';
import { serialRanges, shortHash, STATE_WORDS, type TransactionState } from './shape.js';

const ACTION_WORDS: Record<string, string> = { issue: 'Issued', retire: 'Retire', transfer: 'Transfer', transfer_retire: 'Transfer and retire' };

/** The latest transactions; states update while the screen polls; pending ones can be cancelled. */
export function TransactionsTable({ org, list, onChanged }: { org: string; list: Transaction[]; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  if (list.length === 0) return <Empty>No transactions yet. Retire or transfer credits above.</Empty>;
  const cancel = async (transactionId: string) => {
    setError(null);
    try {
      await act(org, 'cancel', { transactionId });
      onChanged();
    } catch (failure) {
      setError(describe(failure));
    }
  };
  return (
    <>
      {error && <ErrorNote message={error} />}
      <div class="table-scroll">
        <table class="table" data-testid="transactions">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col" class="num">Tonnes</th>
              <th scope="col">Serials</th>
              <th scope="col">State</th>
              <th scope="col">Ledger entry</th>
            </tr>
          </thead>
          <tbody aria-live="polite">
            {list.map((t) => (
              <tr key={t.id} data-transaction={t.id}>
                <td>{formatDateTime(t.createdAt)}</td>
                <td>
                  {ACTION_WORDS[t.action] ?? t.action}
                  {t.toOrganizationId && t.toOrganizationId !== org && t.fromOrganizationId === org && <span class="hint"> to {shortHash(t.toOrganizationId)}</span>}
                  {t.fromOrganizationId !== org && <span class="hint"> received</span>}
                </td>
                <td class="num">{t.amount}</td>
                <td>
                  {serialRanges(t.serialization).map((range) => (
                    <div key={range.text}>
                      <code>
                        {range.first}–{range.last}
                      </code>
                    </div>
                  ))}
                </td>
                <td>
                  <span class={`state state-${t.state}`} data-testid="state" title={STATE_WORDS[t.state as TransactionState] ?? t.state}>
                    {t.state}
                  </span>
                  {t.failureReason && t.state === 'failed' && <div class="hint">{t.failureReason}</div>}
                  {t.state === 'pending' && t.fromOrganizationId === org && (
                    <div>
                      <button type="button" class="button-link" onClick={() => void cancel(t.id)}>
                        Cancel
                      </button>
                    </div>
                  )}
                </td>
                <td>
                  <code title={t.txId ?? undefined}>{shortHash(t.txId)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

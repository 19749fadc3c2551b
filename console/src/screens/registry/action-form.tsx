import { useState } from 'preact/hooks';
import { ErrorNote } from '../../ui/notices.js';
import { describe, type Async } from '../../ui/use-async.js';
import { act, type Credit } from './api.js';
import { actionBody, type ActionDraft } from './shape.js';

const ACTIONS: { value: ActionDraft['action']; label: string }[] = [
  { value: 'retire', label: 'Retire' },
  { value: 'transfer', label: 'Transfer to another organization' },
  { value: 'transfer_retire', label: 'Transfer and retire for them' },
];

/** Retire, transfer or transfer-and-retire; the tonnes are reserved at once and settle in the background. */
export function ActionForm({ org, credits, onRequested }: { org: string; credits: Async<Credit[]>; onRequested: () => void }) {
  const [draft, setDraft] = useState<Omit<ActionDraft, 'available'>>({ action: 'retire', creditId: '', amount: '', toOrganizationId: '', beneficiaryName: '', reason: '', comment: '' });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const list = credits.data ?? [];
  const creditId = draft.creditId || list.find((c) => c.amount > 0)?.id || '';
  const available = list.find((c) => c.id === creditId)?.amount ?? 0;
  const change = (patch: Partial<ActionDraft>) => setDraft({ ...draft, ...patch });

  const submit = async (event: Event) => {
    event.preventDefault();
    setDone(null);
    const result = actionBody({ ...draft, creditId, available });
    if (!result.ok) return setProblems(result.problems);
    setProblems({});
    setError(null);
    setBusy(true);
    try {
      const transaction = await act(org, draft.action, result.body);
      setDone(`Requested: ${transaction.amount} t reserved, transaction ${transaction.state}. Its state updates below.`);
      setDraft({ ...draft, amount: '' });
      onRequested();
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };

  const invalid = (name: string) => ({ 'aria-invalid': problems[name] ? true : undefined, 'aria-describedby': problems[name] ? `action-${name}` : undefined });
  const problem = (name: string) => problems[name] && <span class="field-problem" id={`action-${name}`}>{problems[name]}</span>;
  const transfers = draft.action !== 'retire';
  const retires = draft.action !== 'transfer';

  // The inventory card shows a failed inventory; the form waits for one.
  if (credits.error) return null;
  return (
    <form class="form" onSubmit={submit} aria-label="Retire or transfer credits" noValidate>
      <fieldset class="inline">
        <legend>Action</legend>
        {ACTIONS.map((option) => (
          <label key={option.value}>
            <input type="radio" name="action" value={option.value} checked={draft.action === option.value} onChange={() => change({ action: option.value })} /> {option.label}
          </label>
        ))}
      </fieldset>
      <label>
        Credits
        <select name="creditId" value={creditId} onChange={(e) => change({ creditId: (e.target as HTMLSelectElement).value })} {...invalid('creditId')}>
          {list.length === 0 && <option value="">No credits held</option>}
          {list.map((credit) => (
            <option key={credit.id} value={credit.id}>
              {credit.project.fullName} {credit.vintage} — {credit.amount} t available
            </option>
          ))}
        </select>
        {problem('creditId')}
      </label>
      <label>
        Tonnes
        <input name="amount" inputMode="numeric" value={draft.amount} onInput={(e) => change({ amount: (e.target as HTMLInputElement).value })} {...invalid('amount')} />
        {problem('amount')}
      </label>
      {transfers && (
        <label>
          Receiving organization id
          <input name="toOrganizationId" value={draft.toOrganizationId} onInput={(e) => change({ toOrganizationId: (e.target as HTMLInputElement).value })} {...invalid('toOrganizationId')} />
          {problem('toOrganizationId')}
        </label>
      )}
      {retires && (
        <>
          <label>
            Beneficiary
            <input name="beneficiaryName" value={draft.beneficiaryName} onInput={(e) => change({ beneficiaryName: (e.target as HTMLInputElement).value })} {...invalid('beneficiaryName')} />
            {problem('beneficiaryName')}
          </label>
          <label>
            Reason <input name="reason" value={draft.reason} onInput={(e) => change({ reason: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            Comment <input name="comment" value={draft.comment} onInput={(e) => change({ comment: (e.target as HTMLInputElement).value })} />
          </label>
        </>
      )}
      {error && <ErrorNote message={error} />}
      {done && (
        <p class="hint" role="status">
          {done}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy || list.length === 0}>
        {busy ? 'Sending…' : ACTIONS.find((a) => a.value === draft.action)!.label}
      </button>
    </form>
  );
}

import '../dashboards.css';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { Card, ErrorNote, Loading } from '../../ui/notices.js';
import { describe, useAsync } from '../../ui/use-async.js';
import { inventory, organizationId, transactions as loadTransactions, type Transaction } from './api.js';
import { ActionForm } from './action-form.js';
import { ChainStatus } from './chain-status.js';
import { InventoryTable } from './inventory-table.js';
import { RetirementLookup } from './retirement-record.js';
import { TransactionsTable } from './transactions-table.js';
import { isSettled } from './shape.js';

/** While a transaction is unsettled its state is asked for this often (the API has no push for it). */
const POLL_MS = 1500;

/** Registry: inventory with serial ranges, retire/transfer, live transaction states, retirement records, chain status. */
export default function RegistryScreen() {
  const org = useAsync((signal) => organizationId(signal), []);
  if (org.error) return <ErrorNote message={org.error} retry={org.reload} />;
  if (!org.data) return <Loading what="Loading the registry" />;
  return <Registry org={org.data} />;
}

function useTransactions(org: string) {
  const [list, setList] = useState<Transaction[] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    try {
      setList(await loadTransactions(org));
      setError(null);
    } catch (failure) {
      setError(describe(failure));
    }
  }, [org]);
  useEffect(() => void refresh(), [refresh]);
  const pending = list?.some((t) => !isSettled(t.state)) ?? false;
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [pending, refresh]);
  return { list, error, refresh };
}

function Registry({ org }: { org: string }) {
  const [round, setRound] = useState(0);
  const credits = useAsync((signal) => inventory(org, signal), [org, round]);
  const transactions = useTransactions(org);
  // Tonnes move when a transaction settles: reload the inventory then (not on the first list).
  const settled = transactions.list?.filter((t) => isSettled(t.state)).length;
  const seen = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (seen.current !== undefined && settled !== seen.current) setRound((value) => value + 1);
    seen.current = settled;
  }, [settled]);
  const onRequested = () => {
    void transactions.refresh();
    setRound((value) => value + 1);
  };
  return (
    <div class="page">
      <div class="page-header">
        <h1>Registry</h1>
        <ChainStatus />
      </div>
      <div class="grid registry-grid">
        <Card title="Inventory">
          <InventoryTable credits={credits} />
        </Card>
        <Card title="Retire or transfer">
          <ActionForm org={org} credits={credits} onRequested={onRequested} />
        </Card>
        <Card title="Transactions" actions={<span class="hint">{transactions.list?.some((t) => !isSettled(t.state)) ? 'Updating live…' : ''}</span>}>
          {transactions.error && <ErrorNote message={transactions.error} retry={() => void transactions.refresh()} />}
          {!transactions.list && !transactions.error && <Loading what="Loading transactions" />}
          {transactions.list && <TransactionsTable org={org} list={transactions.list} onChanged={onRequested} />}
        </Card>
        <Card title="Public retirement records">
          <RetirementLookup retired={(transactions.list ?? []).filter((t) => t.retirementId)} />
        </Card>
      </div>
    </div>
  );
}

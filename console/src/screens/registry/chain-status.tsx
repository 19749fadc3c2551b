import { useAsync } from '../../ui/use-async.js';
import { verifyChain } from './api.js';
import { shortHash } from './shape.js';

/** The live ledger's verification: every link recomputed by the server on request. */
export function ChainStatus() {
  const chain = useAsync((signal) => verifyChain(signal), []);
  let text;
  let tone = 'muted';
  if (chain.loading) text = 'Verifying the ledger…';
  else if (chain.error) {
    text = `Ledger not verified: ${chain.error}`;
    tone = 'bad';
  } else if (chain.data?.valid) {
    text = `Ledger verified: ${chain.data.length} ${chain.data.length === 1 ? 'transaction' : 'transactions'}, every hash and link recomputed; head ${shortHash(chain.data.headTxId)}`;
    tone = 'good';
  } else if (chain.data) {
    text = `Ledger BROKEN at transaction ${chain.data.brokenAt?.sequence ?? '?'}: ${chain.data.brokenAt?.problem ?? 'unknown problem'}`;
    tone = 'bad';
  }
  return (
    <div class={`chain chain-${tone}`} role="status" data-testid="chain-status">
      <span>{text}</span>{' '}
      <button type="button" class="button-link" onClick={chain.reload} disabled={chain.loading}>
        Verify again
      </button>
    </div>
  );
}

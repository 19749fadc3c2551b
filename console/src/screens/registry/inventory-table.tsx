import { Empty, ErrorNote, Loading } from '../../ui/notices.js';
import type { Async } from '../../ui/use-async.js';
import type { Credit } from './api.js';
import { serialRanges } from './shape.js';

/** The organization's credits with their serial ranges and the tonnes available now. */
export function InventoryTable({ credits }: { credits: Async<Credit[]> }) {
  if (credits.error) return <ErrorNote message={credits.error} retry={credits.reload} />;
  if (!credits.data) return <Loading what="Loading the inventory" />;
  if (credits.data.length === 0) return <Empty>This organization holds no credits on the live ledger.</Empty>;
  return (
    <div class="table-scroll">
      <table class="table" data-testid="inventory">
        <thead>
          <tr>
            <th scope="col">Project</th>
            <th scope="col">Vintage</th>
            <th scope="col">Serials issued</th>
            <th scope="col" class="num">Available</th>
            <th scope="col" class="num">Issued</th>
          </tr>
        </thead>
        <tbody>
          {credits.data.map((credit) => {
            const ranges = serialRanges(credit.serialization);
            return (
              <tr key={credit.id}>
                <td>
                  <a href={credit.project.publicUrl}>{credit.project.fullName}</a>
                  <span class="hint"> #{credit.project.num} · {credit.type === 'exPost' ? 'realised' : 'anticipated'}</span>
                </td>
                <td>{credit.vintage}</td>
                <td>
                  {ranges.length === 0 ? (
                    <code>{credit.serialization}</code>
                  ) : (
                    ranges.map((range) => (
                      <div key={range.text} title={range.text}>
                        <code>
                          {range.first}–{range.last}
                        </code>{' '}
                        <span class="hint">({range.tonnes} t)</span>
                      </div>
                    ))
                  )}
                </td>
                <td class="num" data-testid="available">
                  {credit.amount} t
                </td>
                <td class="num">{credit.supply} t</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// Export JSON / CSV of one finished run (its input and the server's summary, a replay's report
// included).
import type { RunSummary } from '../hooks/use-simulation-run';
import { download, runCsv, runJson } from '../utils/export';

export interface ExportTarget {
  routingGroupId: string;
  input: unknown;
  name: string;
}

export function ExportButtons({ target, summary, label }: { target: ExportTarget; summary: RunSummary; label?: string }) {
  const run = { simulationId: summary.simulationId, routingGroupId: target.routingGroupId, input: target.input, summary };
  const suffix = label ? ` (${label})` : '';
  return (
    <div className="sim-export">
      <button type="button" className="button button-small" onClick={() => download(`${target.name}.json`, runJson(run), 'application/json')}>
        Export JSON{suffix}
      </button>
      <button type="button" className="button button-small" onClick={() => download(`${target.name}.csv`, runCsv(run), 'text/csv')}>
        Export CSV{suffix}
      </button>
    </div>
  );
}

import type { FlowStep } from '@/components/flow/traffic-counts';
import { formatCount } from '../utils/format';

function place(id: string | null, end: string): string {
  return id ?? end;
}

/** The flow diagram's numbers as the server encodes them, one row per step. */
export function FlowStepsTable({ steps }: { steps: readonly FlowStep[] }) {
  return (
    <details className="sim-flow-steps">
      <summary>Flow steps ({steps.length})</summary>
      <table className="table compact" aria-label="Flow steps">
        <thead>
          <tr>
            <th>From</th>
            <th>To</th>
            <th>Reason</th>
            <th>Requests</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => (
            <tr
              key={`${s.fromDeployment}|${s.toDeployment}|${s.reason}`}
              data-testid="flow-step"
              data-from={s.fromDeployment ?? ''}
              data-to={s.toDeployment ?? ''}
              data-reason={s.reason}
              data-count={s.requestCount}
            >
              <td className="mono">{place(s.fromDeployment, '(entry)')}</td>
              <td className="mono">{place(s.toDeployment, '(failed)')}</td>
              <td>{s.reason.replace(/_/g, ' ')}</td>
              <td>{formatCount(s.requestCount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

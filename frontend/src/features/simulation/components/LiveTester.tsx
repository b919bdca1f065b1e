import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorBanner } from '@/components/ErrorBanner';
import { ProviderBadge } from '@/components/ProviderBadge';
import type { DeploymentFailureInput, ErrorKind } from '@/gql/graphql';
import { TestRoutingGroupMutation, TesterDeploymentsQuery } from '../api/documents';
import type { SimulationTabProps } from '../types';
import { formatMs } from '../utils/format';
import { groupDeploymentRefs } from '@/components/flow/group-deployments';
import { ERROR_KINDS } from '../utils/simulation-input';
import { TraceTimeline, waitBefore } from './TraceTimeline';
import '../simulation.css';
import '../tester.css';

export const DEFAULT_TEST_MESSAGE = 'Hello, respond with one word.';

interface Toggle {
  failing: boolean;
  errorKind: ErrorKind;
}

export function LiveTester({ group }: SimulationTabProps) {
  const deployments = useMemo(() => groupDeploymentRefs(group), [group]);
  const models = useMemo(
    () => Object.fromEntries(deployments.map((d) => [d.deploymentId, d.modelName])),
    [deployments],
  );
  const [message, setMessage] = useState(DEFAULT_TEST_MESSAGE);
  const [toggles, setToggles] = useState<Record<string, Toggle>>({});
  const [mode, setMode] = useState<'mock' | 'real'>('mock');
  const [lastMode, setLastMode] = useState<'mock' | 'real' | null>(null);
  const [{ data, fetching, error }, send] = useMutation(TestRoutingGroupMutation);
  // Deployments that answer with litellm's mock_response: a "real" request to them is a mock too.
  const [{ data: registry }] = useQuery({ query: TesterDeploymentsQuery });
  const mockIds = useMemo(
    () => new Set((registry?.deployments ?? []).filter((d) => d.mock).map((d) => d.modelId)),
    [registry],
  );

  const toggle = (id: string): Toggle => toggles[id] ?? { failing: false, errorKind: 'RATE_LIMIT' };
  const setToggle = (id: string, value: Toggle) => setToggles((t) => ({ ...t, [id]: value }));

  const submit = (mock: boolean) => {
    const failureInjection: DeploymentFailureInput[] = mock
      ? deployments
          .filter((d) => toggle(d.deploymentId).failing)
          .map((d) => ({ modelId: d.deploymentId, failureRate: 1, errorKind: toggle(d.deploymentId).errorKind }))
      : [];
    setLastMode(mock ? 'mock' : 'real');
    void send({
      id: group.routingGroupId,
      messages: [{ role: 'user', content: message }],
      mock,
      failureInjection,
    });
  };

  const result = data?.testRoutingGroup;
  const answeredBy = result?.__typename === 'RoutingGroupTestResult' ? result.traces.map((t) => t.deploymentId) : [];
  const shownMode =
    lastMode === 'real' && answeredBy.length > 0 && answeredBy.every((id) => mockIds.has(id)) ? 'mock' : lastMode;
  return (
    <div className="sim-columns sim-columns-wide">
      <section className="panel" aria-label="Test request">
        <h2>Live Tester</h2>
        <label className="field">
          <span>Message</span>
          <textarea rows={4} value={message} aria-label="Message" onChange={(e) => setMessage(e.target.value)} />
        </label>
        <fieldset className="sim-deployment-controls">
          <legend>Make deployments fail (mock only)</legend>
          <div className="failure-toggles">
            {deployments.map((d) => {
              const t = toggle(d.deploymentId);
              return (
                <div key={d.deploymentId} className="failure-toggle">
                  <label className="inline-check" title={d.deploymentId}>
                    <input
                      type="checkbox"
                      checked={t.failing}
                      aria-label={`Fail ${d.deploymentName} (${d.deploymentId})`}
                      onChange={(e) => setToggle(d.deploymentId, { ...t, failing: e.target.checked })}
                    />
                    Fail {d.deploymentName}
                  </label>
                  <ProviderBadge provider={d.provider} />
                  <select
                    value={t.errorKind}
                    disabled={!t.failing}
                    aria-label={`Error kind for ${d.deploymentId}`}
                    onChange={(e) => setToggle(d.deploymentId, { ...t, errorKind: e.target.value as ErrorKind })}
                  >
                    {ERROR_KINDS.map((k) => (
                      <option key={k.value} value={k.value}>
                        {k.label}
                      </option>
                    ))}
                  </select>
                </div>
              );
            })}
          </div>
        </fieldset>
        <fieldset className="tester-mode">
          <legend>Send to</legend>
          <label className="inline-check">
            <input type="radio" name="tester-mode" checked={mode === 'mock'} onChange={() => setMode('mock')} />
            Mock: route for real, call no provider
          </label>
          <label className="inline-check">
            <input type="radio" name="tester-mode" checked={mode === 'real'} onChange={() => setMode('real')} />
            Real providers (billed, unless the deployment is a mock one)
          </label>
        </fieldset>
        <div className="form-actions">
          <button type="button" className="button button-primary" disabled={fetching} onClick={() => submit(mode === 'mock')}>
            Send test request
          </button>
        </div>
        <p className="hint" role="note">Failure toggles apply to mock requests only.</p>
      </section>

      <section className="panel" aria-label="Test result" aria-busy={fetching}>
        <h2>
          Result{' '}
          {shownMode && (
            <span className="badge badge-muted" data-testid="test-mode">
              {shownMode}
            </span>
          )}
        </h2>
        {fetching && <p className="muted">Sending…</p>}
        {error && <ErrorBanner>The request failed: {error.message}</ErrorBanner>}
        {!fetching && !result && !error && <p className="muted">Send a request to see the path it takes.</p>}
        {result && result.__typename !== 'RoutingGroupTestResult' && <ErrorBanner>{result.message}</ErrorBanner>}
        {result && result.__typename === 'RoutingGroupTestResult' && (
          <div className="sim-stack" data-testid="test-result" data-success={result.success}>
            <TraceTimeline traces={result.traces} models={models} />
            {result.success ? (
              <div className="trace-answer" data-testid="test-answer">
                <div className="muted">
                  Answered by {result.finalDeployment ?? 'unknown'}
                  {result.finalProvider && <> ({result.finalProvider})</>} in {formatMs(result.totalLatencyMs)}
                  <WaitNote traces={result.traces} />
                </div>
                {result.responseText}
              </div>
            ) : (
              <div className="trace-failure" data-testid="test-failure">
                <strong>No deployment answered</strong> after {formatMs(result.totalLatencyMs)}
                <WaitNote traces={result.traces} />
                {result.errorMessage && <div>{result.errorMessage}</div>}
              </div>
            )}
          </div>
        )}
      </section>
    </div>
  );
}

/** "Answered in 2334 ms" after attempts of 4+5+13 ms: say where the rest went. */
function WaitNote({ traces }: { traces: readonly Parameters<typeof waitBefore>[0][] }) {
  const waited = traces.slice(1).reduce((sum, next, i) => sum + waitBefore(traces[i]!, next), 0);
  if (waited < 1) return null;
  return <span className="muted"> ({formatMs(waited)} of it waiting between attempts: retry backoff)</span>;
}

import { useCallback, useEffect, useRef } from 'react';
import { Link, NavLink, Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { LoadError } from '@/components/LoadError';
import { Notice } from '@/components/Notice';
import { useRoutingGroup } from '@/features/routing-groups/api/use-routing-group';
import { GroupOverview } from '@/features/routing-groups/components/GroupOverview';
import { LiveTrafficPanel } from '@/features/live-traffic/components/LiveTrafficPanel';
import { GroupSettingsTab } from '@/features/routing-groups/components/GroupSettingsTab';
import { StrategyBadge } from '@/features/routing-groups/components/StrategyBadge';
import { HistoryTab, LiveTester, SimulatorTab } from '@/features/simulation';
import { LiveFlow } from './LiveFlow';

export const GROUP_TABS = [
  { path: 'overview', label: 'Overview' },
  { path: 'tester', label: 'Live Tester' },
  { path: 'simulator', label: 'Traffic Simulator' },
  { path: 'settings', label: 'Settings' },
  { path: 'history', label: 'History' },
] as const;

type TabPath = (typeof GROUP_TABS)[number]['path'];

function isTab(value: string | undefined): value is TabPath {
  return GROUP_TABS.some((tab) => tab.path === value);
}

export function GroupDetailRoute() {
  const { id = '', tab } = useParams();
  const navigate = useNavigate();
  const { group, error, loaded, refetch } = useRoutingGroup(id);
  const location = useLocation();
  const notice = (location.state as { notice?: 'created' | 'saved' } | null)?.notice;
  const dismiss = () => navigate(location.pathname, { replace: true, state: null });
  // Unsaved Settings edits: leaving the tab (or the page) asks first instead of dropping them.
  const unsaved = useRef(false);
  const onDirtyChange = useCallback((dirty: boolean) => {
    unsaved.current = dirty;
  }, []);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (unsaved.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);
  useEffect(() => {
    if (tab !== 'settings') unsaved.current = false;
  }, [tab]);

  if (!isTab(tab)) return <Navigate to={`/groups/${encodeURIComponent(id)}/overview`} replace />;
  if (error) return <LoadError what="the routing group" error={error} onRetry={refetch} />;
  if (!loaded) return <p className="muted">Loading…</p>;
  if (!group) {
    return (
      <div className="page empty-state panel">
        <h1>Routing group not found</h1>
        <p>It may have been deleted, or your key may not be allowed to see it.</p>
        <Link to="/groups" className="button">
          Back to routing groups
        </Link>
      </div>
    );
  }

  const base = `/groups/${encodeURIComponent(group.routingGroupId)}`;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <div className="breadcrumbs">
            <Link to="/groups">Routing groups</Link> /
          </div>
          <h1>
            {group.routingGroupName} <StrategyBadge strategy={group.routingStrategy} />{' '}
            {!group.isActive && <span className="badge badge-muted">inactive</span>}
          </h1>
          {group.description && <p className="muted">{group.description}</p>}
        </div>
      </header>
      {notice === 'created' && (
        <Notice onDismiss={dismiss}>
          Created {group.routingGroupName}. Below: how developers call it, and who may.
        </Notice>
      )}
      {notice === 'saved' && <Notice onDismiss={dismiss}>Saved {group.routingGroupName} (version {group.version}).</Notice>}
      <nav className="tabs" aria-label="Routing group">
        {GROUP_TABS.map((t) => (
          <NavLink
            key={t.path}
            to={`${base}/${t.path}`}
            className="tab"
            onClick={(event) => {
              if (t.path === tab || !unsaved.current) return;
              if (window.confirm('You have unsaved changes in Settings. Leave without saving?')) unsaved.current = false;
              else event.preventDefault();
            }}
          >
            {t.label}
          </NavLink>
        ))}
      </nav>
      <div className="tab-panel">
        {tab === 'overview' && (
          <GroupOverview
            group={group}
            live={
              <LiveTrafficPanel
                groupId={group.routingGroupId}
                names={Object.fromEntries(group.deployments.map((d) => [d.modelId, d.displayName ?? d.modelName]))}
                renderFlow={(requests) => <LiveFlow group={group} requests={requests} />}
              />
            }
          />
        )}
        {tab === 'tester' && <LiveTester group={group} />}
        {tab === 'simulator' && <SimulatorTab group={group} onSaved={refetch} />}
        {tab === 'history' && <HistoryTab group={group} onReverted={refetch} />}
        {tab === 'settings' && (
          <GroupSettingsTab
            group={group}
            onSaved={() => {
              unsaved.current = false;
              refetch();
              navigate(`${base}/overview`, { state: { notice: 'saved' } });
            }}
            onCancel={() => navigate(`${base}/overview`)}
            onReload={refetch}
            onDirtyChange={onDirtyChange}
          />
        )}
      </div>
    </div>
  );
}

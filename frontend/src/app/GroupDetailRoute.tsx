import { Link, NavLink, Navigate, useNavigate, useParams } from 'react-router';
import { ErrorBanner } from '@/components/ErrorBanner';
import { useRoutingGroup } from '@/features/routing-groups/api/use-routing-group';
import { GroupOverview } from '@/features/routing-groups/components/GroupOverview';
import { LiveTrafficPanel } from '@/features/live-traffic/components/LiveTrafficPanel';
import { GroupSettingsTab } from '@/features/routing-groups/components/GroupSettingsTab';
import { StrategyBadge } from '@/features/routing-groups/components/StrategyBadge';
import { HistoryTab } from '@/features/simulation/components/HistoryTab';
import { LiveTester } from '@/features/simulation/components/LiveTester';
import { TrafficSimulator } from '@/features/simulation/components/TrafficSimulator';
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

  if (!isTab(tab)) return <Navigate to={`/groups/${encodeURIComponent(id)}/overview`} replace />;
  if (error) return <ErrorBanner>Could not load the routing group: {error.message}</ErrorBanner>;
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
      <nav className="tabs" aria-label="Routing group">
        {GROUP_TABS.map((t) => (
          <NavLink key={t.path} to={`${base}/${t.path}`} className="tab">
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
                renderFlow={(requests) => <LiveFlow group={group} requests={requests} />}
              />
            }
          />
        )}
        {tab === 'tester' && <LiveTester group={group} />}
        {tab === 'simulator' && <TrafficSimulator group={group} />}
        {tab === 'history' && <HistoryTab group={group} />}
        {tab === 'settings' && (
          <GroupSettingsTab
            group={group}
            onSaved={() => {
              refetch();
              navigate(`${base}/overview`);
            }}
            onCancel={() => navigate(`${base}/overview`)}
            onReload={refetch}
          />
        )}
      </div>
    </div>
  );
}

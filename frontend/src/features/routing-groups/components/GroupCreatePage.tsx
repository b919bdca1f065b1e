import { useNavigate } from 'react-router';
import { RoutingGroupBuilder } from './RoutingGroupBuilder';

export function GroupCreatePage() {
  const navigate = useNavigate();
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>New routing group</h1>
          <p className="muted">Pick a strategy, choose deployments, and watch the flow preview as you go.</p>
        </div>
      </header>
      <RoutingGroupBuilder
        onSaved={(group) =>
          navigate(`/groups/${encodeURIComponent(group.routingGroupId)}/overview`, { state: { notice: 'created' } })
        }
        onCancel={() => navigate('/groups')}
      />
    </div>
  );
}

import type { RoutingGroupFieldsFragment } from '@/gql/graphql';
import { RoutingGroupBuilder } from './RoutingGroupBuilder';

interface GroupSettingsTabProps {
  group: RoutingGroupFieldsFragment;
  onSaved: (group: RoutingGroupFieldsFragment) => void;
  onCancel: () => void;
  onReload: () => void;
  onDirtyChange?: (dirty: boolean) => void;
}

export function GroupSettingsTab({ group, onSaved, onCancel, onReload, onDirtyChange }: GroupSettingsTabProps) {
  // Re-keyed by version: a reload after a conflict starts the form afresh from the saved group.
  return (
    <RoutingGroupBuilder
      key={`${group.routingGroupId}@${group.version}`}
      group={group}
      onSaved={onSaved}
      onCancel={onCancel}
      onReload={onReload}
      onDirtyChange={onDirtyChange}
    />
  );
}

// Replay's "Recorded" column: the group's request log over the replayed window as the
// simulator's timeline, with the replay's report (cost, p50/p95, attempts per deployment).
import { useQuery } from 'urql';
import { RecordedTimelineQuery } from '../api/replay-documents';
import type { ReplayWindow } from '../utils/replay-window';
import { recordedColumn, type ReplayColumnData, type ReplayReport } from '../utils/replay-view';

export function useRecordedColumn(
  groupId: string,
  window: ReplayWindow | null,
  deploymentIds: readonly string[],
  names: ReadonlyMap<string, string>,
): (report: ReplayReport | null) => ReplayColumnData {
  const [{ data }] = useQuery({
    query: RecordedTimelineQuery,
    variables: { id: groupId, from: window?.from ?? '', to: window?.to ?? '' },
    pause: !window || new Date(window.to) <= new Date(window.from),
    requestPolicy: 'cache-and-network',
  });
  const buckets = window ? (data?.routingGroup?.recorded ?? []) : [];
  return (report) => recordedColumn(window ? report : null, buckets, deploymentIds, names);
}

import { graphql } from '@/gql';

/** The group's request log over a window, as the simulator's timeline (Replay's window picker). */
export const RecordedTimelineQuery = graphql(`
  query RecordedTimeline($id: ID!, $from: DateTime!, $to: DateTime!, $bucketSeconds: Float) {
    routingGroup(id: $id) {
      routingGroupId
      recorded(from: $from, to: $to, bucketSeconds: $bucketSeconds) {
        ...TimelineBucketFields
      }
    }
  }
`);

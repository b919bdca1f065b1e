// Deployments the window holds no recorded attempt of: what a replay assumed for them.
type Names = ReadonlyMap<string, string>;

export function ReplayAssumptions({ assumed, names }: { assumed: readonly string[]; names: Names }) {
  if (assumed.length === 0) return null;
  return (
    <section className="banner banner-warning" aria-label="What the replay assumed" data-testid="replay-assumptions">
      <p>
        <strong>Assumed, not recorded:</strong> the window holds no attempt on{' '}
        {assumed.map((id) => names.get(id) ?? id).join(', ')}. What {assumed.length === 1 ? 'it' : 'each'} met in the
        replay is drawn from its attempts elsewhere in the request log (other groups, the nearest time); with none
        anywhere, it is assumed to answer every attempt in the window&apos;s median latency. Numbers that depend on{' '}
        {assumed.length === 1 ? 'it' : 'them'} are estimates.
      </p>
    </section>
  );
}

// Why a run stopped itself before every request finished (the server's `stoppedReason`, e.g.
import '../simulation.css';
// the 24 h simulated cap). A user's stop has no reason and shows as "cancelled" alone.

export function StoppedReason({ reason }: { reason: string | null | undefined }) {
  if (!reason) return null;
  return (
    <p className="sim-stopped" role="status" data-testid="sim-stopped-reason">
      <strong>Stopped early:</strong> {reason}
    </p>
  );
}

import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StoppedReason } from './StoppedReason';

// The server's CAPPED_REASON (gql_server/core/simulation/engine.py).
const CAPPED =
  'reached the cap of 86,400 simulated seconds (24 hours): requests still in flight were dropped and no more were started';

describe('StoppedReason', () => {
  it("shows why a run stopped itself, in the server's words", () => {
    render(<StoppedReason reason={CAPPED} />);
    const note = screen.getByTestId('sim-stopped-reason');
    expect(note).toHaveTextContent(`Stopped early: ${CAPPED}`);
    expect(note).toHaveAttribute('role', 'status');
  });

  it('shows nothing for a run that was not stopped by the server', () => {
    const { container } = render(
      <>
        <StoppedReason reason={null} />
        <StoppedReason reason={undefined} />
        <StoppedReason reason="" />
      </>,
    );
    expect(container).toBeEmptyDOMElement();
  });
});

import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { Provider } from 'urql';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '@/App';
import { mockClient } from '@/test/mock-client';

describe('unknown routes', () => {
  it('show a not-found page instead of redirecting silently', () => {
    const { client } = mockClient({});
    render(
      <MemoryRouter initialEntries={['/no-such-page']}>
        <Provider value={client}>
          <AppRoutes />
        </Provider>
      </MemoryRouter>,
    );
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByText('/no-such-page')).toBeInTheDocument();
  });
});

import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Provider } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { mockClient, type Variables } from '@/test/mock-client';
import { KeysPage } from './KeysPage';

vi.setConfig({ testTimeout: 30_000 });

const TEAM = { teamId: 't1', teamAlias: 'search' };
const KEY = {
  keyId: 'k1',
  keyAlias: 'search-prod',
  keyPrefix: 'sk-Ab12',
  teamId: 't1',
  createdAt: '2026-11-28T10:00:00Z',
  revoked: false,
};

function renderKeys(handlers: Record<string, (v: Variables) => unknown>) {
  const mock = mockClient({ KeysPage: () => ({ keys: [KEY], teams: [TEAM] }), ...handlers });
  render(
    <MemoryRouter>
      <Provider value={mock.client}>
        <KeysPage />
      </Provider>
    </MemoryRouter>,
  );
  return { ...mock, user: userEvent.setup() };
}

describe('KeysPage', () => {
  it('lists keys by prefix, team, created and status', () => {
    renderKeys({});
    const row = screen.getByTestId('key-search-prod');
    expect(row).toHaveTextContent('sk-Ab12…');
    expect(row).toHaveTextContent('search');
    expect(row).toHaveTextContent('active');
  });

  it('shows a generated key once, in a dialog that says it will not be shown again', async () => {
    const { user, callsOf } = renderKeys({
      GenerateKey: () => ({
        generateKey: { __typename: 'GeneratedKey', keyId: 'k2', key: 'sk-secret-once', keyAlias: 'ci', teamId: 't1' },
      }),
    });
    await user.type(screen.getByLabelText('Key name'), 'ci');
    await user.selectOptions(screen.getByLabelText('Team'), 'search');
    await user.click(screen.getByRole('button', { name: 'Generate key' }));

    expect(callsOf('GenerateKey')[0]?.variables).toEqual({ input: { keyAlias: 'ci', teamId: 't1' } });
    const dialog = screen.getByRole('dialog', { name: 'Your new key: ci' });
    expect(within(dialog).getByTestId('new-key-value')).toHaveValue('sk-secret-once');
    expect(dialog).toHaveTextContent('you will not see it again');
    expect(within(dialog).getByRole('button', { name: 'Copy' })).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'I have copied the key' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByDisplayValue('sk-secret-once')).toBeNull();
  });

  it('revokes only after confirmation', async () => {
    const { user, callsOf } = renderKeys({
      RevokeKey: () => ({ revokeKey: { __typename: 'ApiKey', keyId: 'k1', revoked: true } }),
    });
    await user.click(within(screen.getByTestId('key-search-prod')).getByRole('button', { name: 'Revoke' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Revoke search-prod?' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(callsOf('RevokeKey')).toHaveLength(0);

    await user.click(within(screen.getByTestId('key-search-prod')).getByRole('button', { name: 'Revoke' }));
    await user.click(screen.getByRole('button', { name: 'Revoke key' }));
    expect(callsOf('RevokeKey')[0]?.variables).toEqual({ keyId: 'k1' });
    expect(screen.getByRole('status')).toHaveTextContent('Revoked search-prod');
  });
});

import { useQuery } from 'urql';
import { signOut } from '@/lib/auth';
import { MeQuery } from '../api/documents';

export function UserMenu() {
  const [result] = useQuery({ query: MeQuery });
  const me = result.data?.me;
  return (
    <div className="user-menu">
      {me && (
        <span className="identity" title="Signed in as">
          {me.identity}
          {me.isAdmin && <span className="badge badge-admin">admin</span>}
        </span>
      )}
      <button type="button" className="button button-small button-ghost" onClick={() => signOut()}>
        Sign out
      </button>
    </div>
  );
}

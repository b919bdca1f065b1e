import { Link, useLocation } from 'react-router';

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <div className="page empty-state panel">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{pathname}</code>.
      </p>
      <Link to="/groups" className="button button-primary">
        Go to routing groups
      </Link>
    </div>
  );
}

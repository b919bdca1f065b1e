import { NavLink, Outlet } from 'react-router';
import { UserMenu } from '@/features/auth/components/UserMenu';

export function Layout() {
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/groups" className="brand">
          <span className="brand-mark" aria-hidden="true">⇶</span> Routing Groups
        </NavLink>
        <nav className="topnav" aria-label="Main">
          <NavLink to="/groups" end>
            Groups
          </NavLink>
          {/* A full page load: the server answers GET /graphql with the bundled GraphiQL. */}
          <a href="/graphql" target="_blank" rel="noreferrer">
            GraphiQL
          </a>
        </nav>
        <UserMenu />
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}

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
          <NavLink to="/usage">Usage</NavLink>
          {/* The server answers GET /graphql with the bundled GraphiQL. window.open keeps the
              opener, so the new tab gets a copy of this tab's sessionStorage (the key). */}
          <a
            href="/graphql"
            onClick={(event) => {
              event.preventDefault();
              window.open('/graphql', '_blank');
            }}
          >
            GraphiQL ↗
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

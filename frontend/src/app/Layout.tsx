import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { ConnectionBanner } from '@/components/ConnectionBanner';
import { UserMenu } from '@/features/auth/components/UserMenu';
import { useConnectionState } from '@/lib/connection';
import { keepTablesLabelled } from '@/lib/table-labels';

/** Top-level pages, in the order a first-time user needs them. Add new entries here. */
export const NAV_ITEMS = [
  { to: '/groups', label: 'Groups' },
  { to: '/deployments', label: 'Deployments' },
  { to: '/teams', label: 'Teams' },
  { to: '/keys', label: 'Keys' },
  { to: '/usage', label: 'Usage' },
] as const;

export function Layout() {
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  const [openedAt, setOpenedAt] = useState(pathname);
  const connection = useConnectionState();
  const main = useRef<HTMLElement>(null);
  useEffect(() => (main.current ? keepTablesLabelled(main.current) : undefined), []);
  // Navigating closes the collapsed menu.
  if (openedAt !== pathname) {
    setOpenedAt(pathname);
    setMenuOpen(false);
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main-content">
        Skip to content
      </a>
      <header className={`topbar ${menuOpen ? 'menu-open' : ''}`}>
        <NavLink to="/groups" className="brand">
          <span className="brand-mark" aria-hidden="true">⇶</span> Routing Groups
        </NavLink>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span aria-hidden="true">☰</span>
          <span className="visually-hidden">Menu</span>
        </button>
        <div className="topbar-collapsible" id="main-nav">
          <nav className="topnav" aria-label="Main">
            {NAV_ITEMS.map((item) => (
              <NavLink key={item.to} to={item.to}>
                {item.label}
              </NavLink>
            ))}
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
        </div>
      </header>
      <ConnectionBanner />
      <main
        className="content"
        id="main-content"
        tabIndex={-1}
        ref={main}
        data-stale={connection === 'online' ? undefined : 'true'}
      >
        <Outlet />
      </main>
    </div>
  );
}

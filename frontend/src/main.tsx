import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The global CSS first, each feature's own (imported by its components) after it. pages.css
// before styles.css: where the two set the same thing the base wins, as it always has.
import '@/components/pages.css';
import './styles.css';
import { App } from './App';
import { signInFromUrlHash } from './lib/auth';
import { probeWhileLost } from './lib/connection';

signInFromUrlHash();
// A sign-in link pasted into a tab that is already open (on the sign-in page, say) changes only
// the hash: no reload happens, so the key is taken from the hashchange.
window.addEventListener('hashchange', () => signInFromUrlHash());

probeWhileLost();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

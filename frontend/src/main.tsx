import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { signInFromUrlHash } from './lib/auth';
import { probeWhileLost } from './lib/connection';
import './styles.css';

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

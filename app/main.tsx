import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { registerSW } from 'virtual:pwa-register';
import { ErrorBoundary } from './ErrorBoundary';
import { Root } from './Root';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <Root />
    </ErrorBoundary>
  </StrictMode>,
);

// Offline use and updates: when a new deployment's service worker takes over, this reloads the
// page, so a new model version replaces the old one on the next load.
registerSW({ immediate: true });

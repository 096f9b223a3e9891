import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium';

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  workers: 1,
  use: {
    baseURL: 'http://localhost:4173',
    headless: true,
    // The storefront registers a service worker; only the offline test lets it run, so the others
    // see (and can intercept) every request.
    serviceWorkers: 'block',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    // The storefront (with the test harness), then the widget into dist/widget/.
    command:
      'npx vite build --mode e2e && npx vite build --config vite.widget.config.ts && npx vite preview --port 4173 --strictPort',
    // Ready means the storefront answers (Playwright waits for a 2xx).
    url: 'http://localhost:4173/',
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});

import { defineConfig } from '@playwright/test';

// Debian's Chromium: Playwright's own browser download cannot run here.
export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  workers: 1,
  use: {
    baseURL: 'http://localhost:4173',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--enable-unsafe-webgpu',
      ],
    },
  },
  webServer: {
    command: 'npx vite build --mode e2e && npx vite preview --port 4173 --strictPort',
    // Ready means the page tests open answers (Playwright waits for a 2xx).
    url: 'http://localhost:4173/e2e/harness.html',
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});

// Debian's Chromium and the flags it needs here (Playwright's own browser download cannot run):
// no background traffic on a closed network, and WebGPU through SwiftShader when no GPU exists.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

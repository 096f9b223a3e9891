import type { Plugin } from 'vite';

// The one definition of the headers the built app is served with. Everything else is generated
// from it: `vite preview`'s headers, the `_headers` file of the build (Netlify, Cloudflare Pages),
// the nginx snippet in docs/hosting.md, and the <meta> policy in the built HTML, which still
// protects the page on a static host that sends no headers at all.

// The built app runs under a strict Content-Security-Policy: scripts only from the app itself,
// WebAssembly compilation allowed, no eval and no inline script. tfjs's WASM threads are workers
// whose code the app hands over as blob: URLs (worker-src and, for their importScripts,
// script-src). Inline styles are allowed (the widget's Shadow DOM styles); inline scripts are not.
const CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval' blob:"],
  ['worker-src', "'self' blob:"],
  ['connect-src', "'self'"],
  ['img-src', "'self' data:"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
];

// Browsers ignore these in a <meta> policy: only a header can forbid framing.
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

const serialize = (directives: readonly (readonly [string, string])[]) =>
  directives.map(([name, value]) => `${name} ${value}`).join('; ');

export const CONTENT_SECURITY_POLICY = serialize(CSP_DIRECTIVES);

/** What of the policy a `<meta http-equiv="Content-Security-Policy">` can carry. */
export const META_CONTENT_SECURITY_POLICY = serialize(
  CSP_DIRECTIVES.filter(([name]) => !HEADER_ONLY_DIRECTIVES.has(name)),
);

/**
 * Cross-origin isolation, which lets the WASM backend run threads (SharedArrayBuffer). Headers
 * only, no <meta> equivalent: without them the app still works, on one WASM thread.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Every header the built app should be served with. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  ...ISOLATION_HEADERS,
};

/** The `_headers` file of Netlify and Cloudflare Pages: every path gets every header. */
export function headersFile(): string {
  const lines = Object.entries(SECURITY_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return `/*\n${lines.join('\n')}\n`;
}

/** The same headers for an nginx `server` or `location` block (docs/hosting.md shows it). */
export function nginxSnippet(): string {
  return Object.entries(SECURITY_HEADERS)
    .map(([name, value]) => `add_header ${name} "${value}" always;`)
    .join('\n');
}

/** Puts the <meta> policy into every built HTML page and `_headers` beside them. */
export function securityHeaders(): Plugin {
  return {
    name: 'cprec-security-headers',
    // The dev server's React refresh runs an inline script, which the policy forbids.
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile() });
    },
  };
}

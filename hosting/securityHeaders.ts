import type { Plugin } from 'vite';

// The one definition of the headers the built app is served with. Everything else is generated
// from it: `vite preview`'s headers, the `_headers` file of the build (Netlify, Cloudflare Pages),
// the nginx snippets in docs/hosting.md, and the <meta> policy in the built HTML, which still
// protects the page on a static host that sends no headers at all. So is what a shop embedding
// the widget from this host must allow in its own policy (docs/hosting.md).

type Directives = readonly (readonly [string, string])[];

// The built app runs under a strict Content-Security-Policy: scripts and workers only from the
// app itself, WebAssembly compilation allowed, no eval and no inline script. No blob: either: the
// runtime never starts tfjs's WASM threads, the one part that ran code from blob: URLs. Inline
// styles are allowed (the example widget host page's <style>); inline scripts are not.
const CSP_DIRECTIVES: Directives = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['worker-src', "'self'"],
  ['connect-src', "'self'"],
  ['img-src', "'self' data:"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
];

// Browsers ignore these in a <meta> policy: only a header can forbid framing.
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

const serialize = (directives: Directives) =>
  directives.map(([name, value]) => `${name} ${value}`).join('; ');

export const CONTENT_SECURITY_POLICY = serialize(CSP_DIRECTIVES);

/** What of the policy a `<meta http-equiv="Content-Security-Policy">` can carry. */
export const META_CONTENT_SECURITY_POLICY = serialize(
  CSP_DIRECTIVES.filter(([name]) => !HEADER_ONLY_DIRECTIVES.has(name)),
);

/**
 * Cross-origin isolation: the page gets a process of its own and may measure its memory
 * (bench:scale does). Headers only, no <meta> equivalent; the app works the same without them: it
 * runs no WASM threads, the one thing that needed them (bench/results/threads.md).
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

/**
 * Where the widget's own files (module, worker, WASM) and the models are served: pages on other
 * origins, shops embedding the widget from this host as from a CDN, load them.
 */
export const CROSS_ORIGIN_PATHS: readonly string[] = ['/widget/', '/models/'];

/**
 * Sent on CROSS_ORIGIN_PATHS. Any origin may read them (module scripts, the worker's import and
 * fetch() are CORS requests; the files are public and fetched without credentials), and a cross-
 * origin isolated page (COEP require-corp) may embed them.
 */
export const CROSS_ORIGIN_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/**
 * What a page embedding the widget from `widgetOrigin` must allow in its own policy: the widget's
 * scripts and WebAssembly, its worker (a same-origin blob: module that imports the worker script,
 * under the page's policy), and fetching the WASM binaries and the model.
 */
function widgetHostSources(widgetOrigin: string): Directives {
  return [
    ['script-src', `${widgetOrigin} 'wasm-unsafe-eval'`],
    ['worker-src', `blob: ${widgetOrigin}`],
    ['connect-src', widgetOrigin],
  ];
}

/** A complete strict policy for a page whose own files are on its origin and that embeds the widget. */
export function widgetHostPolicy(widgetOrigin: string): string {
  return serialize([
    ['default-src', "'self'"],
    ...widgetHostSources(widgetOrigin).map(
      ([name, sources]) => [name, `'self' ${sources}`] as const,
    ),
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
  ]);
}

/** Sets CROSS_ORIGIN_HEADERS on the response to `url` (a request path) when it is a shared one. */
export function setCrossOriginHeaders(
  url: string,
  response: { setHeader(name: string, value: string): unknown },
): void {
  const path = new URL(url, 'http://host').pathname;
  if (!CROSS_ORIGIN_PATHS.some((prefix) => path.startsWith(prefix))) return;
  for (const [name, value] of Object.entries(CROSS_ORIGIN_HEADERS)) response.setHeader(name, value);
}

const headerLines = (headers: Readonly<Record<string, string>>) =>
  Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`);

/**
 * The `_headers` file of Netlify and Cloudflare Pages: every path gets every header, and the
 * shared paths the cross-origin ones too (both hosts apply every rule that matches).
 */
export function headersFile(): string {
  const sections = [
    ['/*', ...headerLines(SECURITY_HEADERS)],
    ...CROSS_ORIGIN_PATHS.map((path) => [`${path}*`, ...headerLines(CROSS_ORIGIN_HEADERS)]),
  ];
  return `${sections.flat().join('\n')}\n`;
}

const addHeaders = (headers: Readonly<Record<string, string>>) =>
  Object.entries(headers).map(([name, value]) => `add_header ${name} "${value}" always;`);

/** The same headers for an nginx `server` or `location` block (docs/hosting.md shows it). */
export function nginxSnippet(): string {
  return addHeaders(SECURITY_HEADERS).join('\n');
}

/**
 * The nginx `location` of the shared paths: it repeats the server's headers, since nginx drops
 * inherited add_header lines in a block that has its own.
 */
export function nginxCrossOriginSnippet(): string {
  const names = CROSS_ORIGIN_PATHS.map((path) => path.replaceAll('/', '')).join('|');
  const lines = addHeaders({ ...SECURITY_HEADERS, ...CROSS_ORIGIN_HEADERS });
  return [`location ~ ^/(${names})/ {`, ...lines.map((line) => `  ${line}`), '}'].join('\n');
}

/**
 * Puts the <meta> policy into every built HTML page and `_headers` beside them, and has
 * `vite preview` send the cross-origin headers on the shared paths.
 */
export function securityHeaders(): Plugin[] {
  return [
    {
      name: 'cprec-security-headers',
      // The dev server's React refresh runs an inline script, which the policy forbids.
      apply: 'build',
      transformIndexHtml: () => [
        {
          tag: 'meta',
          attrs: {
            'http-equiv': 'Content-Security-Policy',
            content: META_CONTENT_SECURITY_POLICY,
          },
          injectTo: 'head-prepend',
        },
      ],
      generateBundle() {
        this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile() });
      },
    },
    {
      name: 'cprec-cross-origin-headers',
      configurePreviewServer(server) {
        server.middlewares.use((req, res, next) => {
          setCrossOriginHeaders(req.url ?? '/', res);
          next();
        });
      },
    },
  ];
}

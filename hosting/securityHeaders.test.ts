import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import viteConfig from '../vite.config';
import {
  CONTENT_SECURITY_POLICY,
  CROSS_ORIGIN_HEADERS,
  headersFile,
  META_CONTENT_SECURITY_POLICY,
  nginxCrossOriginSnippet,
  nginxSnippet,
  SECURITY_HEADERS,
  setCrossOriginHeaders,
  widgetHostPolicy,
} from './securityHeaders';

const directives = (policy: string) => policy.split('; ').map((d) => d.split(' ')[0]);

/** The widget's host in docs/hosting.md's examples. */
const CDN = 'https://cdn.example.com';

/** The headers vite preview adds to a response to `url`. */
function previewHeaders(url: string): Record<string, string> {
  const headers: Record<string, string> = {};
  setCrossOriginHeaders(url, { setHeader: (name, value) => (headers[name] = value) });
  return headers;
}

describe('the security headers, from one definition', () => {
  it('are the policy and cross-origin isolation', () => {
    expect(SECURITY_HEADERS).toEqual({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval';");
    // No WASM threads, so nothing runs from blob: URLs (the widget's blob: worker is a shop's).
    expect(CONTENT_SECURITY_POLICY).not.toContain('blob:');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
  });

  it('put all of the policy a <meta> tag can carry into it', () => {
    expect(directives(META_CONTENT_SECURITY_POLICY)).toEqual(
      directives(CONTENT_SECURITY_POLICY).filter((d) => d !== 'frame-ancestors'),
    );
    expect(CONTENT_SECURITY_POLICY).toContain(`${META_CONTENT_SECURITY_POLICY}; frame-ancestors`);
  });

  it('give every path every header in _headers, and the shared paths the cross-origin ones', () => {
    const sections = Object.fromEntries(
      headersFile()
        .trimEnd()
        .split(/\n(?=\/)/)
        .map((section) => {
          const [path, ...lines] = section.split('\n');
          const headers = lines.map((l) => /^ {2}([\w-]+): (.+)$/.exec(l)!.slice(1));
          return [path, Object.fromEntries(headers)];
        }),
    );
    expect(sections).toEqual({
      '/*': SECURITY_HEADERS,
      '/widget/*': CROSS_ORIGIN_HEADERS,
      '/models/*': CROSS_ORIGIN_HEADERS,
    });
    expect(CROSS_ORIGIN_HEADERS).toEqual({
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
  });

  it('are what vite preview sends, CORS only on the widget and the models', () => {
    const config = viteConfig({ mode: 'production', command: 'serve', isPreview: true });
    expect(config).toMatchObject({ preview: { headers: SECURITY_HEADERS, cors: false } });
    expect(previewHeaders('/widget/cprec-widget.js')).toEqual(CROSS_ORIGIN_HEADERS);
    expect(previewHeaders('/models/ml-latest-small/model.json?v=2')).toEqual(CROSS_ORIGIN_HEADERS);
    expect(previewHeaders('/')).toEqual({});
    expect(previewHeaders('/examples/widget-host.html')).toEqual({});
  });

  it('tell a shop what its own policy must allow for the widget', () => {
    expect(widgetHostPolicy(CDN)).toBe(
      "default-src 'self'; script-src 'self' https://cdn.example.com 'wasm-unsafe-eval'; " +
        "worker-src 'self' blob: https://cdn.example.com; connect-src 'self' https://cdn.example.com; " +
        "object-src 'none'; base-uri 'none'",
    );
  });

  it('are what docs/hosting.md tells nginx users and shops to add', () => {
    const docs = readFileSync('docs/hosting.md', 'utf8');
    for (const line of nginxSnippet().split('\n')) expect(docs).toContain(`  ${line}\n`);
    expect(docs).toContain(`\n${nginxCrossOriginSnippet()}\n`);
    expect(docs).toContain(`\n${CONTENT_SECURITY_POLICY}\n`);
    expect(docs).toContain(`\n${widgetHostPolicy(CDN)}\n`);
    const file = headersFile();
    expect(docs).toContain(`\n${file.slice(file.indexOf('/widget/*'))}`);
  });
});

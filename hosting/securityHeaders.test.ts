import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import viteConfig from '../vite.config';
import {
  CONTENT_SECURITY_POLICY,
  headersFile,
  META_CONTENT_SECURITY_POLICY,
  nginxSnippet,
  SECURITY_HEADERS,
} from './securityHeaders';

const directives = (policy: string) => policy.split('; ').map((d) => d.split(' ')[0]);

describe('the security headers, from one definition', () => {
  it('are the policy and cross-origin isolation', () => {
    expect(SECURITY_HEADERS).toEqual({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval' blob:");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
  });

  it('put all of the policy a <meta> tag can carry into it', () => {
    expect(directives(META_CONTENT_SECURITY_POLICY)).toEqual(
      directives(CONTENT_SECURITY_POLICY).filter((d) => d !== 'frame-ancestors'),
    );
    expect(CONTENT_SECURITY_POLICY).toContain(`${META_CONTENT_SECURITY_POLICY}; frame-ancestors`);
  });

  it('give every path every header in _headers', () => {
    const [path, ...lines] = headersFile().trimEnd().split('\n');
    expect(path).toBe('/*');
    expect(Object.fromEntries(lines.map((l) => /^ {2}([\w-]+): (.+)$/.exec(l)!.slice(1)))).toEqual(
      SECURITY_HEADERS,
    );
  });

  it('are what vite preview sends', () => {
    const config = viteConfig({ mode: 'production', command: 'serve', isPreview: true });
    expect(config).toMatchObject({ preview: { headers: SECURITY_HEADERS } });
  });

  it('are what docs/hosting.md tells nginx users to add', () => {
    const docs = readFileSync('docs/hosting.md', 'utf8');
    for (const line of nginxSnippet().split('\n')) expect(docs).toContain(`  ${line}\n`);
    expect(docs).toContain(`\n${CONTENT_SECURITY_POLICY}\n`);
  });
});

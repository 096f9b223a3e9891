import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One file of a shop's site, sent with exactly the headers given: a plain static host. */
export interface ShopFile {
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

export interface Shop {
  /** The shop: http://127.0.0.1:<port>. */
  origin: string;
  /** The same server as another origin, http://localhost:<port>: another shop, say. */
  otherOrigin: string;
  close(): Promise<void>;
}

/**
 * A shop's web server on this machine, on a port of its own, so that its pages and the widget's
 * host (the tests' web server) are different origins. `site` gives the files by path once the
 * origins are known; other paths are 404s.
 */
export async function startShop(
  site: (origins: Pick<Shop, 'origin' | 'otherOrigin'>) => Record<string, ShopFile>,
): Promise<Shop> {
  let files: Record<string, ShopFile> = {};
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://shop').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'Content-Type': file.type ?? 'text/html; charset=utf-8', ...file.headers })
      .end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origins = { origin: `http://127.0.0.1:${port}`, otherOrigin: `http://localhost:${port}` };
  files = site(origins);
  return {
    ...origins,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

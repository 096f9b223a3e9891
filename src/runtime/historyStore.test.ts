import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  openHistory,
  type HistoryEvent,
  type HistoryOptions,
  type HistoryStore,
} from './historyStore';

const opened: HistoryStore[] = [];

async function open(options?: HistoryOptions): Promise<HistoryStore> {
  const store = await openHistory(options);
  opened.push(store);
  return store;
}

/** The first list of events a new listener receives that satisfies `until`. */
function nextChange(
  store: HistoryStore,
  until: (events: readonly HistoryEvent[]) => boolean = () => true,
): Promise<readonly HistoryEvent[]> {
  return new Promise((resolve) => {
    const unsubscribe = store.subscribe((events) => {
      if (!until(events)) return;
      unsubscribe();
      resolve(events);
    });
  });
}

const ids = (events: readonly HistoryEvent[]) => events.map((event) => event.itemId);
const clicks = (count: number, prefix: string): HistoryEvent[] =>
  Array.from({ length: count }, (_, i) => ({ itemId: `${prefix}${i}`, at: 1_700_000_000_000 + i }));

async function addAll(store: HistoryStore, events: HistoryEvent[]): Promise<void> {
  for (const event of events) await store.add(event.itemId, { at: event.at });
}

/** Opens `name` at `version` without this module's code, as another app version would. */
function rawOpen(name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`opening ${name} v${version} was blocked`));
  });
}

beforeEach(() => {
  // A fresh factory per test: nothing leaks between tests through a shared database.
  vi.stubGlobal('indexedDB', new IDBFactory());
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe.each(['indexeddb', 'memory'] as const)('with %s storage', (storage) => {
  beforeEach(() => {
    if (storage === 'memory') vi.stubGlobal('indexedDB', undefined);
  });

  it('says where it keeps the history', async () => {
    const store = await open();
    expect(store.info.storage).toBe(storage);
  });

  it('returns the n most recent events, oldest first', async () => {
    const store = await open();
    const added = clicks(5, 'm');
    await addAll(store, added);
    expect(await store.recent(2)).toEqual(added.slice(-2));
    expect(await store.recent(1)).toEqual(added.slice(-1));
    expect(await store.recent(added.length)).toEqual(added);
    expect(await store.recent(added.length + 10)).toEqual(added);
    expect(await store.recent(Number.MAX_SAFE_INTEGER)).toEqual(added);
    expect(await store.recent(0)).toEqual([]);
  });

  it('returns nothing from an empty history', async () => {
    const store = await open();
    expect(await store.recent(3)).toEqual([]);
  });

  it('orders by insertion, not by time', async () => {
    const store = await open();
    const added = clicks(4, 'm').reverse();
    await addAll(store, added);
    expect(await store.recent(10)).toEqual(added);
  });

  it('keeps the call order of concurrent adds from one tab', async () => {
    const store = await open();
    const added = clicks(30, 'm');
    await Promise.all(added.map((event) => store.add(event.itemId, { at: event.at })));
    expect(await store.recent(100)).toEqual(added);
  });

  it('stamps events with the current time unless given one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Date.UTC(2024, 4, 1, 12, 30);
    vi.setSystemTime(now);
    const store = await open();
    await store.add('m1');
    await store.add('m2', { at: 0 });
    await store.add('m3', { at: now - 1234.5 });
    expect(await store.recent(3)).toEqual([
      { itemId: 'm1', at: now },
      { itemId: 'm2', at: 0 },
      { itemId: 'm3', at: now - 1234.5 },
    ]);
  });

  it('exports everything stored as JSON', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Date.UTC(2025, 0, 2, 3, 4, 5);
    vi.setSystemTime(now);
    const store = await open();
    const added = clicks(3, 'item-');
    await addAll(store, added);
    const exported = await store.export();
    expect(exported).toEqual({
      format: 'cprec-history',
      version: 1,
      exportedAt: new Date(now).toISOString(),
      events: added,
    });
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
  });

  it('hands out copies that cannot change what is stored', async () => {
    const store = await open();
    await store.add('m1', { at: 1 });
    const [event] = await store.recent(1);
    event.itemId = 'edited';
    (await store.export()).events.length = 0;
    expect(await store.recent(1)).toEqual([{ itemId: 'm1', at: 1 }]);
  });

  it('clears everything and keeps working', async () => {
    const store = await open();
    await addAll(store, clicks(3, 'old'));
    await store.clear();
    expect(await store.recent(10)).toEqual([]);
    expect((await store.export()).events).toEqual([]);
    const added = clicks(2, 'new');
    await addAll(store, added);
    expect(await store.recent(10)).toEqual(added);
  });

  it('keeps only the newest maxEvents', async () => {
    const store = await open({ maxEvents: 3 });
    const added = clicks(7, 'm');
    await addAll(store, added);
    expect((await store.export()).events).toEqual(added.slice(-3));
    expect(await store.recent(10)).toEqual(added.slice(-3));
  });

  it('tells subscribers about adds and clears, up to maxEvents', async () => {
    const store = await open({ maxEvents: 2 });
    const added = clicks(3, 'm');
    await addAll(store, added.slice(0, 2));
    const afterAdd = nextChange(store);
    await store.add(added[2].itemId, { at: added[2].at });
    expect(await afterAdd).toEqual(added.slice(-2));
    const afterClear = nextChange(store);
    await store.clear();
    expect(await afterClear).toEqual([]);
  });

  it('ends with the latest state after a burst of changes', async () => {
    const store = await open();
    const seen: string[][] = [];
    store.subscribe((events) => seen.push(ids(events)));
    const added = clicks(10, 'm');
    const settled = nextChange(store, (events) => events.length === added.length);
    await Promise.all(added.map((event) => store.add(event.itemId, { at: event.at })));
    await settled;
    expect(seen.at(-1)).toEqual(ids(added));
    // Each call sees at least as much as the one before: no stale state arrives late.
    const lengths = seen.map((list) => list.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  });

  it('stops calling a listener once unsubscribed', async () => {
    const store = await open();
    const dropped = vi.fn();
    const unsubscribe = store.subscribe(dropped);
    const first = nextChange(store);
    await store.add('m1');
    await first;
    expect(dropped).toHaveBeenCalledTimes(1);
    unsubscribe();
    const second = nextChange(store);
    await store.add('m2');
    await second;
    expect(dropped).toHaveBeenCalledTimes(1);
  });

  it('reports a throwing listener and still calls the others', async () => {
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const store = await open();
    const boom = new Error('listener failed');
    store.subscribe(() => {
      throw boom;
    });
    const delivered = nextChange(store);
    await store.add('m1');
    expect(ids(await delivered)).toEqual(['m1']);
    expect(reported).toHaveBeenCalledWith(boom);
  });

  it.each([
    ['an empty id', ''],
    ['a number', 42],
    ['undefined', undefined],
    ['null', null],
  ])('rejects %s as itemId with a TypeError naming it', async (_, itemId) => {
    const store = await open();
    const shown = typeof itemId === 'string' ? JSON.stringify(itemId) : String(itemId);
    await expect(store.add(itemId as string)).rejects.toThrow(TypeError);
    await expect(store.add(itemId as string)).rejects.toThrow(shown);
    expect(await store.recent(10)).toEqual([]);
  });

  it.each([NaN, Infinity, -Infinity, '5'])(
    'rejects at = %s with a TypeError naming it',
    async (at) => {
      const store = await open();
      const shown = typeof at === 'string' ? JSON.stringify(at) : String(at);
      await expect(store.add('m1', { at: at as number })).rejects.toThrow(TypeError);
      await expect(store.add('m1', { at: at as number })).rejects.toThrow(shown);
      expect(await store.recent(10)).toEqual([]);
    },
  );

  it.each([-1, 1.5, NaN, Infinity, '3'])(
    'rejects recent(%s) with a RangeError naming it',
    async (n) => {
      const store = await open();
      const shown = typeof n === 'string' ? JSON.stringify(n) : String(n);
      await expect(store.recent(n as number)).rejects.toThrow(RangeError);
      await expect(store.recent(n as number)).rejects.toThrow(shown);
    },
  );

  it('refuses to work once closed', async () => {
    const store = await open();
    store.close();
    await expect(store.add('m1')).rejects.toThrow(/closed/);
    await expect(store.recent(1)).rejects.toThrow(/closed/);
    expect(() => store.subscribe(() => undefined)).toThrow(/closed/);
  });
});

describe('with IndexedDB', () => {
  it('finds the history again after a reload', async () => {
    const added = clicks(4, 'm');
    const before = await open({ dbName: 'reload' });
    await addAll(before, added);
    before.close();
    const after = await open({ dbName: 'reload' });
    expect(after.info.storage).toBe('indexeddb');
    expect(await after.recent(10)).toEqual(added);
  });

  it('keeps separate histories per dbName', async () => {
    const a = await open({ dbName: 'a' });
    const b = await open({ dbName: 'b' });
    await a.add('only-in-a');
    expect(await b.recent(10)).toEqual([]);
  });

  it('loses no click when two tabs add at once', async () => {
    const tabA = await open();
    const tabB = await open();
    const fromA = clicks(50, 'a');
    const fromB = clicks(50, 'b');
    await Promise.all(
      fromA.flatMap((event, i) => [
        tabA.add(event.itemId, { at: event.at }),
        tabB.add(fromB[i].itemId, { at: fromB[i].at }),
      ]),
    );
    const stored = await tabA.recent(1000);
    expect(stored).toHaveLength(100);
    expect(new Set(ids(stored)).size).toBe(100);
    // Each tab's clicks keep their own order in the shared history.
    expect(stored.filter((event) => event.itemId.startsWith('a'))).toEqual(fromA);
    expect(stored.filter((event) => event.itemId.startsWith('b'))).toEqual(fromB);
    expect(await tabB.recent(1000)).toEqual(stored);
  });

  it('keeps the newest maxEvents when two tabs add at once', async () => {
    const tabA = await open({ maxEvents: 10 });
    const tabB = await open({ maxEvents: 10 });
    const fromA = clicks(15, 'a');
    const fromB = clicks(15, 'b');
    await Promise.all([
      ...fromA.map((event) => tabA.add(event.itemId, { at: event.at })),
      ...fromB.map((event) => tabB.add(event.itemId, { at: event.at })),
    ]);
    const stored = (await tabA.export()).events;
    expect(stored).toHaveLength(10);
    // The survivors of each tab are its latest clicks.
    const survivorsA = stored.filter((event) => event.itemId.startsWith('a'));
    const survivorsB = stored.filter((event) => event.itemId.startsWith('b'));
    expect(survivorsA).toEqual(fromA.slice(fromA.length - survivorsA.length));
    expect(survivorsB).toEqual(fromB.slice(fromB.length - survivorsB.length));
  });

  it("tells other tabs' subscribers about adds and clears", async () => {
    const tabA = await open();
    const tabB = await open();
    const added = nextChange(tabB);
    await tabA.add('m1', { at: 5 });
    expect(await added).toEqual([{ itemId: 'm1', at: 5 }]);
    const cleared = nextChange(tabB);
    await tabA.clear();
    expect(await cleared).toEqual([]);
  });

  it('stops telling an unsubscribed listener in another tab', async () => {
    const tabA = await open();
    const tabB = await open();
    const dropped = vi.fn();
    const unsubscribe = tabB.subscribe(dropped);
    const first = nextChange(tabB);
    await tabA.add('m1');
    await first;
    expect(dropped).toHaveBeenCalledTimes(1);
    unsubscribe();
    const second = nextChange(tabB);
    await tabA.add('m2');
    await second;
    expect(dropped).toHaveBeenCalledTimes(1);
  });

  it('works within the tab without BroadcastChannel', async () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const tabA = await open();
    const tabB = await open();
    const delivered = nextChange(tabA);
    await tabA.add('m1', { at: 1 });
    expect(await delivered).toEqual([{ itemId: 'm1', at: 1 }]);
    expect(await tabB.recent(1)).toEqual([{ itemId: 'm1', at: 1 }]);
  });

  it('reads a version 1 database written by an earlier release', async () => {
    // The v1 layout as shipped, written without this module's upgrade code.
    const legacy = [
      { itemId: 'm3', at: 300 },
      { itemId: 'm1', at: 100 },
      { itemId: 'm2', at: 200 },
    ];
    const db = await openDB('legacy', 1, {
      upgrade(database) {
        database.createObjectStore('events', { autoIncrement: true }).createIndex('at', 'at');
      },
    });
    for (const event of legacy) await db.add('events', event);
    db.close();

    const store = await open({ dbName: 'legacy' });
    expect(store.info.storage).toBe('indexeddb');
    expect(await store.recent(10)).toEqual(legacy);
    await store.add('m4', { at: 50 });
    expect(await store.recent(10)).toEqual([...legacy, { itemId: 'm4', at: 50 }]);
  });

  it('steps aside when a newer version in another tab upgrades the database', async () => {
    const store = await open({ dbName: 'upgraded' });
    await store.add('m1');
    const newer = await rawOpen('upgraded', 2);
    newer.close();
    await expect(store.add('m2')).rejects.toThrow(/another tab/);
  });
});

describe('without usable IndexedDB', () => {
  it('keeps the history in memory when indexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const store = await open();
    expect(store.info.storage).toBe('memory');
    expect(store.info.reason).toMatch(/IndexedDB/);
    await store.add('m1', { at: 1 });
    expect(await store.recent(1)).toEqual([{ itemId: 'm1', at: 1 }]);
  });

  it('keeps the history in memory when open throws', async () => {
    const refusal = new DOMException(
      'The user denied permission to access the database.',
      'SecurityError',
    );
    vi.stubGlobal('indexedDB', {
      open() {
        throw refusal;
      },
    });
    const store = await open();
    expect(store.info).toEqual({ storage: 'memory', reason: refusal.message });
    await store.add('m1', { at: 1 });
    expect(await store.recent(1)).toEqual([{ itemId: 'm1', at: 1 }]);
  });

  it('keeps the history in memory when open fails', async () => {
    // A database left at a later version by a newer release cannot be opened at version 1.
    (await rawOpen('future', 5)).close();
    const expected = await rawOpen('future', 1).then(
      () => null,
      (error: DOMException) => error.message,
    );
    expect(expected).toEqual(expect.any(String));
    const store = await open({ dbName: 'future' });
    expect(store.info).toEqual({ storage: 'memory', reason: expected });
    await store.add('m1', { at: 1 });
    expect(await store.recent(1)).toEqual([{ itemId: 'm1', at: 1 }]);
  });

  it('keeps the history in memory when open is blocked, and lets go later', async () => {
    const real = indexedDB;
    // A tab of an older release that ignores versionchange holds the database open.
    const holder = await rawOpen('held', 1);
    // This stand-in asks for one version more than requested, as the next release will.
    vi.stubGlobal('indexedDB', {
      open: (name: string, version: number) => real.open(name, version + 1),
    });
    const store = await open({ dbName: 'held' });
    expect(store.info.storage).toBe('memory');
    expect(store.info.reason).toMatch(/blocked/);
    await store.add('m1', { at: 1 });
    expect(await store.recent(1)).toEqual([{ itemId: 'm1', at: 1 }]);

    // Once the holder closes, the late connection must not block the release after.
    vi.stubGlobal('indexedDB', real);
    holder.close();
    const after = await rawOpen('held', 3);
    expect(after.version).toBe(3);
    after.close();
  });
});

describe('when opening IndexedDB does not answer', () => {
  /**
   * Makes every open of `name` wait, without a blocked event, as Safari's sometimes does: a tab of
   * an older release holds the database and ignores versionchange, so a deletion waits for it
   * and the opens queued behind the deletion wait too. The function returned lets them through.
   */
  async function hang(name: string): Promise<() => void> {
    const holder = await rawOpen(name, 1);
    indexedDB.deleteDatabase(name);
    return () => holder.close();
  }

  const moved = (store: HistoryStore) =>
    nextChange(store, () => store.info.storage === 'indexeddb');

  it('gives up after openTimeoutMs, keeps the history in memory and says why', async () => {
    const release = await hang('slow');
    const store = await open({ dbName: 'slow', openTimeoutMs: 10 });
    expect(store.info).toEqual({
      storage: 'memory',
      reason: 'IndexedDB did not answer within 10 ms; clicks are kept in memory until it does',
    });
    await store.add('m1', { at: 1 });
    expect(await store.recent(5)).toEqual([{ itemId: 'm1', at: 1 }]);
    release();
  });

  it('writes the clicks kept in memory once the database answers, and carries on there', async () => {
    const release = await hang('slow');
    const store = await open({ dbName: 'slow', openTimeoutMs: 10 });
    const before = clicks(3, 'before');
    await addAll(store, before);
    const switched = moved(store);
    release();
    // Adds while the clicks move keep their order after them.
    const during = clicks(5, 'during');
    await Promise.all(during.map((event) => store.add(event.itemId, { at: event.at })));
    expect(await switched).toEqual(expect.arrayContaining(before));
    expect(store.info).toEqual({ storage: 'indexeddb' });
    await store.add('after', { at: 9 });
    const reloaded = await open({ dbName: 'slow' });
    expect(reloaded.info.storage).toBe('indexeddb');
    expect(ids(await reloaded.recent(100))).toEqual([...ids(before), ...ids(during), 'after']);
  });

  it('keeps maxEvents when the clicks move', async () => {
    const release = await hang('slow');
    const store = await open({ dbName: 'slow', openTimeoutMs: 10, maxEvents: 4 });
    await addAll(store, clicks(6, 'm'));
    const switched = moved(store);
    release();
    expect(ids(await switched)).toEqual(['m2', 'm3', 'm4', 'm5']);
  });

  it('closes a connection that answers after the store was closed', async () => {
    const release = await hang('slow');
    const store = await open({ dbName: 'slow', openTimeoutMs: 10 });
    store.close();
    release();
    // rawOpen rejects when an open connection blocks the upgrade.
    const after = await rawOpen('slow', 2);
    expect(after.version).toBe(2);
    after.close();
  });

  it('refuses an openTimeoutMs that is not a non-negative number', async () => {
    for (const openTimeoutMs of [-1, Number.NaN, '10' as unknown as number]) {
      await expect(openHistory({ openTimeoutMs })).rejects.toThrow(
        new RangeError(
          `openTimeoutMs must be a non-negative number of ms, got ${typeof openTimeoutMs === 'string' ? '"10"' : openTimeoutMs}`,
        ),
      );
    }
  });
});

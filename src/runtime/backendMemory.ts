import { openDB, type DBSchema } from 'idb';
import { SETTINGS_DB_NAME } from './settings';
import type { BackendName } from './backends';

interface SettingsSchema extends DBSchema {
  backends: { key: string; value: { backend: BackendName; at: number } };
}

const DB_NAME = SETTINGS_DB_NAME;

/**
 * Remembers which backend won the timing for a model on this device, so later visits skip the
 * comparison. IndexedDB, not localStorage, because the choice is made inside a Web Worker.
 * Failures only cost a re-timing, so they are swallowed.
 */
export const backendMemory = {
  async get(key: string): Promise<BackendName | null> {
    if (typeof indexedDB === 'undefined') return null;
    try {
      const db = await openDB<SettingsSchema>(DB_NAME, 1, {
        upgrade: (d) => d.createObjectStore('backends'),
      });
      const entry = await db.get('backends', key);
      db.close();
      return entry?.backend ?? null;
    } catch {
      return null;
    }
  },
  async set(key: string, backend: BackendName): Promise<void> {
    if (typeof indexedDB === 'undefined') return;
    try {
      const db = await openDB<SettingsSchema>(DB_NAME, 1, {
        upgrade: (d) => d.createObjectStore('backends'),
      });
      await db.put('backends', { backend, at: Date.now() }, key);
      db.close();
    } catch {
      // Not remembered: the next load times the backends again.
    }
  },
};

/** Per-user event sequences in time order, and the minimum-count filters on them. */
import type { Interaction } from './interactionLoader';

export interface UserSequence {
  user: string;
  /** The data's own item ids, oldest first. */
  items: string[];
  timestamps: number[];
}

/**
 * Groups events by user, users in order of first appearance. Each user's events are sorted by
 * timestamp; equal timestamps keep their file order (Array.prototype.sort is stable), which
 * matters for MovieLens (many ratings share a second) and Online Retail (one time per invoice).
 */
export function groupByUser(interactions: readonly Interaction[]): UserSequence[] {
  const byUser = new Map<string, Interaction[]>();
  for (const event of interactions) {
    const events = byUser.get(event.user);
    if (events) events.push(event);
    else byUser.set(event.user, [event]);
  }
  return [...byUser].map(([user, events]) => {
    events.sort((a, b) => a.timestamp - b.timestamp);
    return { user, items: events.map((e) => e.item), timestamps: events.map((e) => e.timestamp) };
  });
}

export interface MinCountOptions {
  /** Users with fewer events are removed; default 1 (keep all). */
  minUserEvents?: number;
  /** Items with fewer events (over all users) are removed; default 1 (keep all). */
  minItemEvents?: number;
}

export interface MinCountSummary {
  minUserEvents: number;
  minItemEvents: number;
  /** Passes that removed something. */
  rounds: number;
  /** Events removed because their item was rare, or their user too short (at that pass). */
  eventsOfRareItems: number;
  eventsOfShortUsers: number;
  /** Distinct items and users gone in the end (an item also goes when all its users go). */
  droppedItems: number;
  droppedUsers: number;
}

function distinctItems(sequences: readonly UserSequence[]): number {
  const items = new Set<string>();
  for (const s of sequences) for (const item of s.items) items.add(item);
  return items.size;
}

/**
 * Applies both minimums repeatedly until neither removes anything (a fixed point, the "k-core"),
 * since dropping rare items can push a user below the minimum and vice versa. Each pass drops
 * the events of rare items first, then the users left too short.
 */
export function filterMinCounts(
  sequences: readonly UserSequence[],
  options: MinCountOptions = {},
): { sequences: UserSequence[]; summary: MinCountSummary } {
  const minUserEvents = options.minUserEvents ?? 1;
  const minItemEvents = options.minItemEvents ?? 1;
  for (const [name, value] of Object.entries({ minUserEvents, minItemEvents })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
    }
  }
  const summary: MinCountSummary = {
    minUserEvents,
    minItemEvents,
    rounds: 0,
    eventsOfRareItems: 0,
    eventsOfShortUsers: 0,
    droppedItems: 0,
    droppedUsers: 0,
  };
  let current = [...sequences];
  for (;;) {
    const itemCounts = new Map<string, number>();
    for (const s of current)
      for (const item of s.items) itemCounts.set(item, (itemCounts.get(item) ?? 0) + 1);
    const rare = new Set(
      [...itemCounts].filter(([, n]) => n < minItemEvents).map(([item]) => item),
    );

    let changed = rare.size > 0;
    const next: UserSequence[] = [];
    for (const s of current) {
      let kept = s;
      if (rare.size > 0 && s.items.some((item) => rare.has(item))) {
        const keep = s.items.map((item) => !rare.has(item));
        kept = {
          user: s.user,
          items: s.items.filter((_, i) => keep[i]),
          timestamps: s.timestamps.filter((_, i) => keep[i]),
        };
        summary.eventsOfRareItems += s.items.length - kept.items.length;
      }
      if (kept.items.length >= minUserEvents) {
        next.push(kept);
      } else {
        changed = true;
        summary.eventsOfShortUsers += kept.items.length;
      }
    }
    current = next;
    if (!changed) {
      summary.droppedUsers = sequences.length - current.length;
      summary.droppedItems = distinctItems(sequences) - distinctItems(current);
      return { sequences: current, summary };
    }
    summary.rounds++;
  }
}

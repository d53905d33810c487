/**
 * Turns at a site, within one process. Every write at a site advances the site's one change-feed
 * head (feed-items.ts), so concurrent writes at a site collide there even on different days: with N
 * of them in flight, each round of transactions commits one and cancels the other N-1, and the wasted
 * transactions load the database (on DynamoDB Local under a busy machine, to the point of timing
 * out). Holding a site's turn while numbering and committing, a process never races itself on the
 * head: its writes at a site go one after another, and the head has at most one contender per
 * process (Lambda instances serve one request at a time anyway).
 *
 * A waiter gives up (StoreUnavailableError, a 503) only when the turn has not passed for `stallMs`:
 * the holder is stuck on a database that does not answer, not merely busy.
 */
import { StoreUnavailableError } from '../../domain/errors.js';

interface Waiter {
  readonly go: () => void;
}

export class SiteTurns {
  /** Per site held: when its turn last passed, and who waits for it, first in line first. */
  private readonly sites = new Map<string, { since: number; queue: Waiter[] }>();

  constructor(private readonly stallMs: number) {}

  /**
   * Runs `body` holding the turns of `sites` (taken in name order, so two writes that both move
   * between the same two sites cannot wait for each other). `body` learns how long it waited: 0
   * when every turn was free.
   */
  async run<T>(sites: readonly string[], body: (waitedMs: number) => Promise<T>): Promise<T> {
    const started = performance.now();
    let waited = false;
    const held: string[] = [];
    try {
      for (const site of [...new Set(sites)].sort()) {
        waited = (await this.take(site)) || waited;
        held.push(site);
      }
      return await body(waited ? performance.now() - started : 0);
    } finally {
      for (const site of held) this.pass(site);
    }
  }

  /** Takes the site's turn; true when it had to wait for it. */
  private take(site: string): Promise<boolean> {
    const state = this.sites.get(site);
    if (!state) {
      this.sites.set(site, { since: performance.now(), queue: [] });
      return Promise.resolve(false);
    }
    return new Promise<boolean>((resolve, reject) => {
      let timer: NodeJS.Timeout;
      const waiter: Waiter = { go: () => { clearTimeout(timer); resolve(true); } };
      const check = (): void => {
        const stuck = performance.now() - state.since;
        if (stuck < this.stallMs) {
          timer = setTimeout(check, this.stallMs - stuck);
          return;
        }
        state.queue.splice(state.queue.indexOf(waiter), 1);
        reject(new StoreUnavailableError(`The calendar's database has not finished a write at this site for ${Math.round(stuck / 1000)} s; please retry.`));
      };
      state.queue.push(waiter);
      timer = setTimeout(check, Math.max(0, this.stallMs - (performance.now() - state.since)));
    });
  }

  private pass(site: string): void {
    const state = this.sites.get(site);
    if (!state) return;
    const next = state.queue.shift();
    if (!next) {
      this.sites.delete(site);
      return;
    }
    state.since = performance.now();
    next.go();
  }
}

import type { NotTranslated } from './types.js';

/** Collects what a target cannot express, keyed like the config (`processes.api.restart.backoff`). */
export class Notes {
  private readonly list: NotTranslated[] = [];

  add(key: string, reason: string): void {
    if (!this.list.some((item) => item.key === key && item.reason === reason)) {
      this.list.push({ key, reason });
    }
  }

  process(name: string, key: string, reason: string): void {
    this.add(key === '' ? `processes.${name}` : `processes.${name}.${key}`, reason);
  }

  /** Project-wide notes first, then process by process in the config's order. */
  ordered(processes: readonly { name: string }[]): NotTranslated[] {
    const rank = (key: string): number => {
      const name = /^processes\.([^.[]+)/.exec(key)?.[1];
      return name === undefined ? -1 : processes.findIndex((process) => process.name === name);
    };
    return this.list
      .map((item, i) => ({ item, i, rank: rank(item.key) }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .map(({ item }) => item);
  }
}

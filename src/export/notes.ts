import type { NotTranslated } from './types.js';

/** Collects what a target cannot express, keyed like the config (`processes.api.restart.backoff`). */
export class Notes {
  readonly items: NotTranslated[] = [];

  add(key: string, reason: string): void {
    if (!this.items.some((item) => item.key === key && item.reason === reason)) {
      this.items.push({ key, reason });
    }
  }

  process(name: string, key: string, reason: string): void {
    this.add(key === '' ? `processes.${name}` : `processes.${name}.${key}`, reason);
  }
}

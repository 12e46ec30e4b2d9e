/**
 * A value loaded at most once per `maxAgeMs`: callers within that age share the load (also the one in
 * flight); a failed load is not kept, so the next call loads again. `forget()` drops the value at once.
 */
export interface Reused<T> {
  get(maxAgeMs: number): Promise<T>;
  forget(): void;
}

export function reused<T>(load: () => Promise<T>): Reused<T> {
  let kept: { at: number; value: Promise<T> } | null = null;
  return {
    get(maxAgeMs) {
      const now = Date.now();
      if (!kept || now - kept.at >= maxAgeMs) {
        const entry = { at: now, value: load() };
        kept = entry;
        entry.value.catch(() => {
          if (kept === entry) kept = null;
        });
      }
      return kept.value;
    },
    forget() {
      kept = null;
    },
  };
}

export interface GroupWriter<T> {
  /** Resolves once `item` is written (committed), rejects if its write failed. */
  write(item: T): Promise<void>;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: an item that arrives while no write is under way is written at once; items that
 * arrive meanwhile wait and are written together by the next call of `writeMany` (at most `maxBatch`
 * at a time). When a group fails, each of its items is written alone, so one bad item fails only its
 * own caller.
 */
export function createGroupWriter<T>(writeMany: (items: T[]) => Promise<void>, maxBatch = 100): GroupWriter<T> {
  const waiting: Pending<T>[] = [];
  let writing = false;

  const settle = async (group: Pending<T>[]) => {
    try {
      await writeMany(group.map((p) => p.item));
      for (const p of group) p.resolve();
    } catch (err) {
      if (group.length === 1) return (group[0] as Pending<T>).reject(err);
      for (const p of group) await settle([p]);
    }
  };

  const drain = async () => {
    writing = true;
    while (waiting.length > 0) await settle(waiting.splice(0, maxBatch));
    writing = false;
  };

  return {
    write(item) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (!writing) void drain();
      });
    },
  };
}

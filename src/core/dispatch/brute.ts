/** Test support: the optimal dispatch objective by trying every plan, for instances of a few contacts. */
import {
  type DispatchConfig,
  type DispatchContact,
  type DispatchWorker,
  eligibility,
  planObjective,
} from "./model.js";

/** The best objective over every plan that respects rules 1–5 and every worker's room. */
export function bruteForceObjective(
  contacts: readonly DispatchContact[],
  workers: readonly DispatchWorker[],
  config: DispatchConfig,
): number {
  const options = contacts.map((contact) =>
    workers.flatMap((worker, w) => (eligibility(contact, worker, config).ok ? [w] : [])),
  );
  const room = workers.map((w) => Math.max(0, w.capacity - w.active));
  const workerOf = new Int32Array(contacts.length).fill(-1);
  let best = Number.NEGATIVE_INFINITY;
  const search = (c: number): void => {
    if (c === contacts.length) {
      best = Math.max(best, planObjective(contacts, workers, config, workerOf));
      return;
    }
    workerOf[c] = -1;
    search(c + 1);
    for (const w of options[c]!) {
      if (room[w]! === 0) continue;
      room[w]!--;
      workerOf[c] = w;
      search(c + 1);
      room[w]!++;
    }
    workerOf[c] = -1;
  };
  search(0);
  return best;
}

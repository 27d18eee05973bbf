/** A worker's availability: active takes contacts; paused and away do not (away until a date). */
export const WORKER_STATUSES = ["active", "paused", "away"] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

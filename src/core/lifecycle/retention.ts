/** The retention rule: which closed contacts are old enough to be anonymised. */

/** Contacts closed before this instant are anonymised, under a rule of `months` months. */
export function retentionCutoff(now: Date, months: number): Date {
  const cutoff = new Date(now.getTime());
  // Calendar months in UTC; a 31st falls back to the month's last day rather than spilling over.
  const day = cutoff.getUTCDate();
  cutoff.setUTCDate(1);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(cutoff.getUTCFullYear(), cutoff.getUTCMonth() + 1, 0)).getUTCDate();
  cutoff.setUTCDate(Math.min(day, lastDay));
  return cutoff;
}

/** What erasure keeps of a contact: nothing that names or locates a person, enough to count. */
export const ERASED_NAME = "(erased)";

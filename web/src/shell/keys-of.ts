/**
 * A server's list of names, written again for the console (the modules that hold them carry zod or the
 * database, which the console does not ship): typed as a record over the server's union, so that a name
 * added or removed there fails the console's type check until it is added or removed here too.
 */
export function keysOf<K extends string>(every: Record<K, true>): K[] {
  return Object.keys(every) as K[];
}

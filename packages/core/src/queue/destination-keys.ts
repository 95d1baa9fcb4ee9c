/**
 * The Redis keys of the workers' per-destination state, named in one place: the worker's destination
 * limits write them (apps/worker/src/smtp/destination-limits.ts), the dashboard's queue screen and the
 * metrics read them. A destination is an MX host, lower-cased.
 *
 * - `slots`: a sorted set of connection leases (scored by expiry), at most the connection limit;
 * - `backoff`: when the destination's throttle backoff ends (ms since the epoch), expiring then;
 * - `throttle-level`: how many throttling replies in a row (the backoff doubles with each).
 */
export type DestinationKeyKind = 'slots' | 'backoff' | 'throttle-level';

/** The key of one kind of one destination's state. */
export function destinationKey(prefix: string, kind: DestinationKeyKind, destination: string): string {
  return `${destinationKeyPrefix(prefix, kind)}${destination.toLowerCase()}`;
}

/** What every key of that kind starts with (the destination follows). */
export function destinationKeyPrefix(prefix: string, kind: DestinationKeyKind): string {
  return `${prefix}:dest:${kind}:`;
}

/**
 * The channel on which a worker announces that it gave a destination's connection slot back (the
 * message is the destination): workers holding none of that destination's connections wait for it
 * instead of polling (apps/worker/src/smtp/freed-slots.ts).
 */
export function slotFreedChannel(prefix: string): string {
  return `${prefix}:dest:slot-freed`;
}

/**
 * The sorted set of workers delivering now, scored by when each last said so: a destination's
 * connections are shared among them (apps/worker/src/smtp/destination-limits.ts, connectionShare).
 */
export function activeWorkersKey(prefix: string): string {
  return `${prefix}:dest:workers`;
}

/** The sorted set of backed-off destinations, scored by the end of their backoff. */
export function throttledSetKey(prefix: string): string {
  return `${prefix}:dest:throttled`;
}

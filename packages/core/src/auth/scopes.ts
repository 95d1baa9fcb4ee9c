/** What an API key may do. A key carries a list of these; presets expand to lists. */
export const SCOPES = [
  'messages:send',
  'messages:read',
  'domains:manage',
  'webhooks:manage',
  'templates:manage',
  'suppressions:manage',
  'keys:manage',
] as const;

export type Scope = (typeof SCOPES)[number];

export const SCOPE_PRESETS = {
  full: [...SCOPES],
  sending: ['messages:send'],
} as const satisfies Record<string, readonly Scope[]>;

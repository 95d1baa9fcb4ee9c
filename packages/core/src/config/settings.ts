import { parseDuration } from './duration.ts';
import { z } from 'zod';

/** One environment variable: its name, how it is parsed (with its default) and what it means. */
export interface Setting<T extends z.ZodType = z.ZodType> {
  env: string;
  /** Parses the raw string (or undefined when unset and there is no default). */
  schema: T;
  doc: string;
  /** The value used when the variable is unset or empty; a function for machine-dependent defaults. */
  default?: string | (() => string);
  /** Never echoed back in errors or `herald config`. */
  secret?: boolean;
}

export type SettingsTable = Record<string, Setting>;
export type ConfigOf<S extends SettingsTable> = { readonly [K in keyof S]: z.output<S[K]['schema']> };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function defineSettings<S extends SettingsTable>(settings: S): S {
  return settings;
}

/**
 * Parses every setting of the table from the environment, once. Empty strings count as unset so that
 * `FOO=` in an env file falls back to the default. Throws a ConfigError naming every bad variable.
 */
export function parseSettings<S extends SettingsTable>(
  settings: S,
  env: NodeJS.ProcessEnv = process.env,
  check?: (config: ConfigOf<S>) => string[],
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(settings)) {
    const raw = env[setting.env];
    const value = raw === undefined || raw === '' ? defaultOf(setting) : raw;
    const result = setting.schema.safeParse(value);
    if (result.success) {
      out[key] = result.data;
    } else {
      const why = result.error.issues.map((issue) => issue.message).join('; ');
      const shown = raw === undefined ? 'unset' : setting.secret ? 'value hidden' : `got ${JSON.stringify(raw)}`;
      problems.push(`${setting.env}: ${why} (${shown})`);
    }
  }
  const config = out as ConfigOf<S>;
  if (problems.length === 0 && check) problems.push(...check(config));
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze(config);
}

function defaultOf(setting: Setting): string | undefined {
  return typeof setting.default === 'function' ? setting.default() : setting.default;
}

// Small parsers shared by the settings tables.

export const port = () => z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535);

/**
 * A duration such as 30s, 5m, 1h or 3d, in milliseconds; `example` shows the expected form in errors.
 * With `min`, a shorter duration is refused, the error saying the rule and, with `because`, why.
 */
export const duration = (example: string, limits: { min?: string; because?: string } = {}) => {
  const parsed = z.string().regex(/^\d+[smhd]$/, `must be a duration such as ${example}`).transform(parseDuration);
  if (!limits.min) return parsed;
  const min = parseDuration(limits.min);
  return parsed.refine((ms) => ms >= min, `must be at least ${limits.min}${limits.because ? `: ${limits.because}` : ''}`);
};

export const positiveInt = () => z.coerce.number({ message: 'must be a number' }).int().positive();

export const boolFlag = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A comma-separated list; empty entries are dropped; unset is an empty list. */
export const csv = () =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

import Handlebars from 'handlebars';
import { BLOCK_HELPERS, HELPERS, runtimeHelper } from './helpers.ts';

/**
 * Herald's own Handlebars environment (Handlebars.create(): nothing registered on the global one
 * reaches it). It holds the built-in blocks Herald allows (#if, #unless, #each, #with) and Herald's
 * helpers, nothing else: `log` (writes to the console), `lookup` (reads a property named by a
 * variable), helperMissing and blockHelperMissing (what runs for an unknown name) and the `inline`
 * decorator are removed. Templates are checked before they are compiled (check-template.ts), and
 * compiled with knownHelpersOnly, so an unknown helper is a compile error rather than a lookup.
 */
const env = Handlebars.create();
for (const name of Object.keys(env.helpers)) if (!Object.hasOwn(BLOCK_HELPERS, name)) env.unregisterHelper(name);
for (const name of Object.keys(env.decorators)) env.unregisterDecorator(name);
for (const name of Object.keys(HELPERS)) env.registerHelper(name, runtimeHelper(name));

/**
 * Helpers only Herald's generated templates call. A stored template cannot call one (the check refuses
 * unknown names), and compiles without knowing them, so {{name}} of one is a variable like any other.
 */
const internalHelpers = new Set<string>();

export function registerInternalHelper(name: string, fn: (value: unknown) => string): void {
  env.registerHelper(name, (value: unknown) => fn(value));
  internalHelpers.add(name);
}

/** The helpers a template may call: Herald's; and Herald's internal ones too in the templates Herald generates. */
function knownHelpers(internal: boolean): Record<string, boolean> {
  const known: Record<string, boolean> = { helperMissing: false, blockHelperMissing: false, log: false, lookup: false };
  for (const name of [...Object.keys(BLOCK_HELPERS), ...Object.keys(HELPERS)]) known[name] = true;
  if (internal) for (const name of internalHelpers) known[name] = true;
  return known;
}

/**
 * What every render passes: no prototype properties or methods, ever (Handlebars' default since
 * 4.6, said here so that no upgrade or option elsewhere can change it), and no helpers, partials or
 * decorators but the environment's.
 */
export const RUNTIME_OPTIONS: Readonly<Handlebars.RuntimeOptions> = Object.freeze({
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
  allowedProtoProperties: Object.freeze({}),
  allowedProtoMethods: Object.freeze({}),
  allowCallsToHelperMissing: false,
});

export type Render = (variables: object) => string;

/**
 * Compiles a checked template. `escape`: HTML-escape what expressions print ({{ }}; {{{ }}} never),
 * as the HTML part needs; the subject and the text part are plain text and print values as they are.
 * Handlebars compiles on the first call, so the template is called once here, without variables:
 * a compile error (a Handlebars Exception, thrown before anything runs) surfaces now, and the first
 * message does not pay for the compilation. A helper's complaint about the missing variables is
 * expected and ignored. `generated`: a template Herald made, which may call its internal helpers.
 */
export function compileChecked(source: string, escape: boolean, generated = false): Render {
  const template = env.compile(source, {
    knownHelpersOnly: true,
    knownHelpers: knownHelpers(generated),
    noEscape: !escape,
    strict: false,
    compat: false,
    data: true,
  });
  try {
    template({}, RUNTIME_OPTIONS);
  } catch (err) {
    if (err instanceof Handlebars.Exception) throw err;
  }
  return (variables) => template(variables, RUNTIME_OPTIONS);
}

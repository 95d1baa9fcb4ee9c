/**
 * The limits a template and its variables are held to. They stop abuse (a template or a set of
 * variables that makes a render cost seconds or megabytes), not ordinary use.
 */
export const TEMPLATE_LIMITS = {
  /** Each field (subject, HTML, text, layout), in octets of UTF-8. */
  maxFieldBytes: 512 * 1024,
  /**
   * Tags ({{…}}) in one field. Handlebars compiles about 10,000 a second here, so this bounds what saving
   * one template can cost; a long newsletter has a few hundred.
   */
  maxTagsPerField: 5000,
  /** Blocks (#if, #each, …) nested in one another. */
  maxBlockDepth: 32,
  /** The variables of one render as JSON, in octets of UTF-8. */
  maxVariablesBytes: 64 * 1024,
  /** Objects and arrays nested in one another in the variables (the top-level object is depth 1). */
  maxVariablesDepth: 10,
  /**
   * Expressions and blocks one render may evaluate: a loop of 500 rows of 20 expressions is 10,000.
   * Nested loops over the same list grow as its size to a power; this bound stops them.
   */
  maxRenderSteps: 200_000,
  /** The rendered HTML or text, in characters: far over what a message may be once built. */
  maxRenderedChars: 8 * 1024 * 1024,
  /** The rendered subject, in characters (RFC 5322's line limit, and the API's for a subject). */
  maxSubjectChars: 998,
} as const;

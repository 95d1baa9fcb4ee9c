/**
 * Names a template may not use as a path segment, block parameter or variable key: the members of
 * Object.prototype (constructor, __proto__, toString, …) and "prototype". Handlebars already refuses
 * to resolve what is not an own property (allowProto*ByDefault false), so this is a second wall, and
 * it turns an attempt into a clear error when the template is saved instead of an empty string.
 */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

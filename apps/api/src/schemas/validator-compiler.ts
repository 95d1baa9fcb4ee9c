import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/** Schemas read on a fast path first (see plain-send-message.ts), each with its reader. */
const fastPaths = new WeakMap<object, (data: unknown) => unknown>();

/**
 * Gives `schema` a reader that answers what zod would make of the common input, or undefined for
 * anything else (then zod validates, and its errors are the answer). The reader must never accept
 * what zod refuses, nor answer otherwise than zod would: a test holds each one to zod.
 */
export function withFastPath<T extends z.ZodType>(schema: T, read: (data: unknown) => z.output<T> | undefined): T {
  fastPaths.set(schema, read);
  return schema;
}

/** fastify-type-provider-zod's validator compiler, trying a schema's fast path first where it has one. */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (routeSchema) => {
  const zod = zodValidatorCompiler(routeSchema);
  const read = fastPaths.get(routeSchema.schema);
  if (!read) return zod;
  return (data) => {
    const value = read(data);
    return value === undefined ? zod(data) : { value };
  };
};

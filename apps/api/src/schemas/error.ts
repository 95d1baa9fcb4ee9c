import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '@herald/core';

/** The shape of every error answer: { error: { code, message, details? } }. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z
        .union([z.array(
            z.object({
              field: z.string(),
              message: z.string(),
              line: z.number().int().optional().describe('In a template field: the line of the problem, from 1'),
              column: z.number().int().optional().describe('In a template field: the column of the problem, from 1'),
            }),
          ), z.record(z.string(), z.unknown())])
        .optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Response schemas for the error statuses a route can answer with. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorBody> {
  return Object.fromEntries(statuses.map((s) => [s, errorBody]));
}

import { z } from 'zod';

export const projectView = z
  .object({ id: z.string(), name: z.string(), test_mode: z.boolean(), daily_quota: z.number().int().nullable(), created_at: z.string() })
  .meta({ id: 'Project' });

export const createProjectBody = z
  .object({
    name: z.string().min(1).max(100),
    test_mode: z.boolean().default(false).describe("The project's mail goes through the pipeline but reaches nobody"),
    daily_quota: z.number().int().min(0).nullable().default(null).describe('Recipients per UTC day; null: HERALD_DAILY_QUOTA; 0: no limit'),
  })
  .strict()
  .meta({ id: 'CreateProjectRequest' });

import type { FastifyRequest } from 'fastify';
import type { IntakeDeps } from '@herald/core';
import type { AppDeps } from './app.ts';

/** Intake as the API's routes call it: the process's Store, queue and quota, logging to the request's log. */
export function intakeFor(deps: AppDeps, request: FastifyRequest): IntakeDeps {
  return { store: deps.store, enqueue: deps.enqueue, quota: deps.limits?.dailyQuota, settings: deps.config, log: request.log };
}

import type { Vendor } from '../vendor-scope.ts';
import { resendCancelEmailRoute } from './cancel-email.ts';
import { resendGetEmailRoute } from './get-email.ts';
import { resendErrorShape, resendKey } from './present-error.ts';
import { resendSendBatchRoute } from './send-batch.ts';
import { resendSendEmailRoute } from './send-email.ts';

/** Resend's API under /resend: a Bearer key, Resend's error shape. */
export const resendEndpoints = {
  vendor: { tag: 'resend', security: 'apiKey', extractKey: resendKey, present: resendErrorShape } satisfies Vendor,
  routes: [resendSendEmailRoute, resendSendBatchRoute, resendGetEmailRoute, resendCancelEmailRoute],
};

import type { Vendor } from '../vendor-scope.ts';
import { postmarkErrorShape, postmarkToken } from './present-error.ts';
import { postmarkSendBatchRoute } from './send-batch.ts';
import { postmarkSendEmailRoute } from './send-email.ts';
import { postmarkSendBatchWithTemplatesRoute, postmarkSendWithTemplateRoute } from './send-with-template.ts';

/** Postmark's API under /postmark: X-Postmark-Server-Token, Postmark's ErrorCode shape. */
export const postmarkEndpoints = {
  vendor: { tag: 'postmark', security: 'postmarkServerToken', extractKey: postmarkToken, present: postmarkErrorShape } satisfies Vendor,
  routes: [postmarkSendEmailRoute, postmarkSendBatchRoute, postmarkSendWithTemplateRoute, postmarkSendBatchWithTemplatesRoute],
};

import type { Vendor } from '../vendor-scope.ts';
import { sendgridErrorShape, sendgridKey } from './present-error.ts';
import { sendgridMailSendRoute } from './send-mail.ts';

/** SendGrid's v3 mail send under /sendgrid: a Bearer key, SendGrid's errors[] shape. */
export const sendgridEndpoints = {
  vendor: { tag: 'sendgrid', security: 'apiKey', extractKey: sendgridKey, present: sendgridErrorShape } satisfies Vendor,
  routes: [sendgridMailSendRoute],
};

import { z } from 'zod';
import { defineSettings, positiveInt } from './settings.ts';

/** Settings of message intake, shared by the API and the SMTP listener. */
export const intakeSettings = defineSettings({
  maxMessageBytes: {
    env: 'HERALD_MAX_MESSAGE_BYTES',
    schema: positiveInt(),
    default: '26214400',
    doc: 'Largest message Herald accepts, in bytes, as built (headers, body and encoded attachments); larger is refused with 413.',
  },
  maxRecipients: {
    env: 'HERALD_MAX_RECIPIENTS',
    schema: positiveInt(),
    default: '50',
    doc: 'Most recipients (to + cc + bcc) one message may have.',
  },
  dailyQuota: {
    env: 'HERALD_DAILY_QUOTA',
    schema: z.coerce.number({ message: 'must be a number' }).int().min(0),
    default: '0',
    doc: 'Recipients a project may send to per UTC day, unless the project has its own quota; 0 means no limit. Over it, 429 quota_exceeded.',
  },
});

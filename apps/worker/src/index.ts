export { main } from './main.ts';
export { deliverMessage, type DeliveryDeps, type DeliverySettings } from './delivery/deliver-message.ts';

export { resolveMx } from './routing/resolve-mx.ts';
export { createDkimKeyStore } from './signing/dkim-key-store.ts';
export { signMessage } from './signing/sign-message.ts';
export { SmtpSession } from './smtp/smtp-session.ts';
export { createDeliveryWorkers } from './worker.ts';

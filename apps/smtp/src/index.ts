export { main } from './main.ts';
export { createSubmissionServer, type SubmissionDeps } from './submission-server.ts';
export { SessionLimits } from './session-limits.ts';
export { tlsMaterial } from './tls-material.ts';
export { main as inboundMain } from './inbound/main.ts';
export { createInboundServer, type InboundDeps } from './inbound/inbound-server.ts';

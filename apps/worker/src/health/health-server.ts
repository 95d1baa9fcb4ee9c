// the probe server lives in core, shared with the inbound MX
export { startHealthServer } from '@herald/core';

// Types for the parts of mailauth's DKIM implementation that sign-message.ts builds on.
// mailauth ships no types for these modules; the shapes are those of mailauth 4.x's lib/.

declare module 'mailauth/lib/tools.js' {
  export interface ParsedHeader {
    key: string | null;
    casedKey: string | undefined;
    line: Buffer;
  }
  export function parseHeaders(buf: Buffer): { parsed: ParsedHeader[]; original: Buffer };
  export function formatSignatureHeaderLine(type: 'DKIM' | 'ARC', values: Record<string, unknown>, folded: boolean): string;
}

declare module 'mailauth/lib/dkim/body/index.js' {
  export interface BodyHasher {
    update(chunk: Buffer): void;
    digest(encoding: 'base64'): string;
  }
  export function dkimBody(canonicalization: string, algorithm: string, maxBodyLength?: number): BodyHasher;
}

declare module 'mailauth/lib/dkim/header/relaxed.js' {
  import type { ParsedHeader } from 'mailauth/lib/tools.js';
  export function relaxedHeaders(
    type: 'DKIM',
    signingHeaderLines: { keys: string; headers: ParsedHeader[] },
    options: {
      signingDomain: string;
      selector: string;
      algorithm: string;
      canonicalization: string;
      bodyHash: string;
      signTime?: Date;
    },
  ): { canonicalizedHeader: Buffer; dkimHeaderOpts: Record<string, unknown> };
}

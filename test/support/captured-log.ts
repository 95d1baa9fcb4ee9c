import { Writable } from 'node:stream';
import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * A pino logger whose output the test can read back (what a process would have written to stdout):
 * for the checks that no secret reaches a log. `text()` is everything written so far.
 */
export function capturedLog(options: LoggerOptions<never> = { level: 'trace' }): { log: Logger; text: () => string } {
  let written = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  return { log: pino<never>(options, sink), text: () => written };
}

// One process of the sink baseline (bench/baseline.ts): a pooled nodemailer transport sending the
// same raw message `count` times to the sink, then exiting. Settings come from the environment.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';

const raw = readFileSync(process.env.BASELINE_MESSAGE as string);
const count = Number(process.env.BASELINE_COUNT);
const connections = Number(process.env.BASELINE_CONNECTIONS);
const transport = nodemailer.createTransport({
  host: process.env.BASELINE_HOST,
  port: Number(process.env.BASELINE_PORT),
  secure: false,
  ignoreTLS: true,
  pool: true,
  maxConnections: connections,
  maxMessages: Infinity,
});
let next = 0;
const lane = async () => {
  while (next < count) {
    const i = next++;
    await transport.sendMail({ envelope: { from: 'bounces@shop.bench.example', to: [`user${i}@r0.bench.test`] }, raw });
  }
};
await Promise.all(Array.from({ length: connections * 2 }, lane));
transport.close();

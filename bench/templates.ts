/**
 * What rendering a template costs per message, by part: `node --import tsx bench/templates.ts`.
 *
 * The template is a realistic order receipt (packages/core/src/templates/template-fixture.ts: 4.6 KB
 * of HTML with a <style> block, a loop of 5 items, about ten variables, dates and amounts formatted
 * by helpers). It is compiled once, then rendered for 1,000 messages per round, each with its own
 * variables: its own number, order time and total, so those are formatted for the first time in
 * that round as in a real batch (prices repeat, as a catalogue's do). Each part is timed inside the
 * render of each message, in the order a render runs them; the median round is reported.
 *
 * "Per message, as first designed" is what juice and html-to-text cost when run on every rendered
 * message, which the engine avoids by inlining the CSS and generating the text template once, at
 * compile time.
 */
import { convert } from 'html-to-text';
import juice from 'juice';
import { compileTemplate } from '../packages/core/src/templates/compile-template.ts';
import { finishText } from '../packages/core/src/templates/generate-text.ts';
import { compileChecked } from '../packages/core/src/templates/handlebars-env.ts';
import { HTML_TO_TEXT_OPTIONS, htmlToText } from '../packages/core/src/templates/html-text-converter.ts';
import { JUICE_OPTIONS } from '../packages/core/src/templates/inline-css.ts';
import { renderTemplate } from '../packages/core/src/templates/render-template.ts';
import { preflight } from '../packages/core/src/templates/render-preflight.ts';
import { RECEIPT_HTML, RECEIPT_SUBJECT, receiptVariables } from '../packages/core/src/templates/template-fixture.ts';
import { variablesProblems } from '../packages/core/src/templates/validate-variables.ts';

const MESSAGES = 1000;
const ROUNDS = 7;

const compileStarted = process.hrtime.bigint();
const result = compileTemplate({ subject: RECEIPT_SUBJECT, html: RECEIPT_HTML });
const compileMillis = Number(process.hrtime.bigint() - compileStarted) / 1e6;
if (!result.ok) throw new Error(JSON.stringify(result.errors));
const template = result.template;
const text = template.text;
if (template.css !== 'compiled' || !text) throw new Error(`expected the fast paths: ${template.notes.join('; ')}`);

let nextMessage = 0;
/** A round of new messages. */
const newRound = () => Array.from({ length: MESSAGES }, () => receiptVariables(nextMessage++));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const now = () => process.hrtime.bigint();

const PARTS = ['variables checked (JSON, 64 KB, depth 10)', 'preflight (missing variables, helper inputs, subject)', 'Handlebars: subject and HTML (CSS already inlined)', 'Handlebars: generated text template, finished'];
const partRounds: number[][] = PARTS.map(() => []);
const totalRounds: number[] = [];
for (let round = 0; round <= ROUNDS; round++) {
  // the parts, timed inside each message's render
  const spent = PARTS.map(() => 0n);
  for (const variables of newRound()) {
    const t0 = now();
    variablesProblems(variables);
    const t1 = now();
    preflight(template.preflight, variables, false);
    const t2 = now();
    template.subject(variables);
    template.html(variables);
    const t3 = now();
    finishText(text(variables));
    const t4 = now();
    [t1 - t0, t2 - t1, t3 - t2, t4 - t3].forEach((d, i) => (spent[i] = (spent[i] as bigint) + d));
  }
  // the whole, as intake will call it, on other new messages
  const messages = newRound();
  const started = now();
  for (const variables of messages) if (!renderTemplate(template, variables).ok) throw new Error('render');
  const total = Number(now() - started) / 1000 / MESSAGES;
  if (round === 0) continue; // the first round warms up
  spent.forEach((s, i) => partRounds[i]?.push(Number(s) / 1000 / MESSAGES));
  totalRounds.push(total);
}

// the first design: juice and html-to-text on each rendered message
const asWritten = compileChecked(RECEIPT_HTML, true);
const sample = newRound().slice(0, 200).map((v) => asWritten(v));
const inlined = sample.map((html) => juice(html, JUICE_OPTIONS));
const perMessage = (work: (html: string, i: number) => unknown, inputs: string[]) => {
  const times: number[] = [];
  for (let round = 0; round <= 5; round++) {
    const started = now();
    inputs.forEach(work);
    if (round > 0) times.push(Number(now() - started) / 1000 / inputs.length);
  }
  return median(times);
};
const before: [string, number][] = [
  ['juice on the rendered HTML', perMessage((html) => juice(html, JUICE_OPTIONS), sample)],
  ['html-to-text on the inlined HTML (converter built once)', perMessage((html) => htmlToText(html), inlined)],
  ['html-to-text convert() (options composed on every call)', perMessage((html) => convert(html, HTML_TO_TEXT_OPTIONS), inlined)],
];

const fmt = (micros: number) => micros.toFixed(1).padStart(8);
const rendered = renderTemplate(template, receiptVariables(0));
if (!rendered.ok) throw new Error('render');
console.log(`Template: ${Buffer.byteLength(RECEIPT_HTML)} bytes of HTML; rendered ${Buffer.byteLength(rendered.rendered.html)} bytes of HTML (CSS inlined) and ${Buffer.byteLength(rendered.rendered.text)} of text`);
console.log(`Compiled once in ${compileMillis.toFixed(1)} ms (CSS ${template.css}, text ${template.textSource}). Node ${process.version}; ${MESSAGES} new messages × ${ROUNDS} rounds, median µs per message.\n`);
console.log('Per message, as built:');
PARTS.forEach((name, i) => console.log(`  ${fmt(median(partRounds[i] as number[]))} µs  ${name}`));
console.log(`  ${fmt(median(totalRounds))} µs  renderTemplate: all of the above`);
console.log('\nPer message, as first designed (what inlining the CSS and generating the text once remove):');
for (const [name, micros] of before) console.log(`  ${fmt(micros)} µs  ${name}`);

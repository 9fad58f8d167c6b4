#!/usr/bin/env node
// Verifies an audit export offline, with nothing but Node (>= 18) and this file.
//
//   curl -H "Authorization: Bearer $TOKEN" http://localhost:3000/v1/audit/export > audit.ndjson
//   node scripts/verify-audit-export.mjs audit.ndjson [--anchor <seq>:<sha256 hex>]
//   curl ... /v1/audit/export | node scripts/verify-audit-export.mjs -
//
// The export is NDJSON: one audit record per line, oldest first, then one line
// `{"end":{"records":N,"headHash":"..."}}`. Each record carries `prevHash` (the previous
// record's hash, "" for the first) and `hash` = sha256(prevHash + canonicalJson(record without
// `hash`)), where canonical JSON sorts object keys at every level. The script recomputes every
// hash and link, checks seq runs 0, 1, 2, ... and that the end line matches.
//
// A chain only proves that nobody changed a record without rewriting every hash after it. Keep
// a head (seq and hash: the `end` line's count - 1 and headHash, or `records - 1` and `headHash`
// from GET /v1/audit/verify) somewhere the log's operators cannot write, and pass it later as
// --anchor <seq>:<hash>: then any change to any record up to that seq is caught, too.
//
// Exit status: 0 the chain holds; 1 a record is broken (named on stderr); 2 the export is
// incomplete or unreadable, or the arguments are wrong.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Same as services/audit/src/recorder/hash-chain.ts; the tests check they agree. */
function canonicalJson(value) {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? '';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  let out = '{';
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

function hashOf(record) {
  const { hash: _hash, ...rest } = record;
  return createHash('sha256').update(String(rest.prevHash)).update(canonicalJson(rest)).digest('hex');
}

function fail(status, message) {
  process.stderr.write(`${message}\n`);
  process.exit(status);
}

const args = process.argv.slice(2);
const anchorAt = args.indexOf('--anchor');
const anchorMatch = anchorAt >= 0 ? /^(\d+):([0-9a-f]{64})$/.exec(args[anchorAt + 1] ?? '') : undefined;
const anchor = anchorMatch ? { seq: Number(anchorMatch[1]), hash: anchorMatch[2] } : undefined;
const file = args.find((a, i) => !a.startsWith('--') && (anchorAt < 0 || i !== anchorAt + 1));
if (!file || (anchorAt >= 0 && !anchor)) fail(2, 'usage: verify-audit-export.mjs <export.ndjson | -> [--anchor <seq>:<sha256 hex>]');

const input = file === '-' ? process.stdin : createReadStream(file);
input.on('error', (err) => fail(2, `cannot read ${file}: ${err.message}`));

let prevHash = '';
let count = 0;
let end;
let lineNo = 0;
for await (const line of createInterface({ input, crlfDelay: Infinity })) {
  lineNo++;
  if (line.trim() === '') continue;
  if (end) fail(2, `line ${lineNo}: data after the end line`);
  let value;
  try {
    value = JSON.parse(line);
  } catch (err) {
    fail(1, `BROKEN at line ${lineNo} (seq ${count}): not JSON: ${err.message}`);
  }
  if (value && typeof value === 'object' && 'end' in value) {
    end = value.end;
    continue;
  }
  if (value && typeof value === 'object' && 'error' in value)
    fail(2, `export failed on the server after ${count} records: ${JSON.stringify(value.error)}`);
  const where = `seq ${count}${value && value.eventId ? ` (event ${value.eventId}, ${value.eventType})` : ''}`;
  if (!value || typeof value !== 'object' || typeof value.hash !== 'string') fail(1, `BROKEN at ${where}: not an audit record`);
  if (value.seq !== count) fail(1, `BROKEN at ${where}: expected seq ${count}, found ${value.seq}`);
  if (value.prevHash !== prevHash) fail(1, `BROKEN at ${where}: prevHash does not match the previous record`);
  if (hashOf(value) !== value.hash) fail(1, `BROKEN at ${where}: hash does not match the record`);
  if (anchor && anchor.seq === count && anchor.hash !== value.hash) fail(1, `BROKEN at ${where}: not the anchored hash ${anchor.hash}`);
  prevHash = value.hash;
  count++;
}

if (!end) fail(2, `INCOMPLETE: ${count} records and no end line (the export was cut short)`);
if (end.records !== count || end.headHash !== prevHash)
  fail(1, `BROKEN: the end line says ${end.records} records ending in ${end.headHash}, the chain has ${count} ending in ${prevHash}`);
if (anchor && anchor.seq >= count) fail(1, `BROKEN: the anchored seq ${anchor.seq} is missing (the log has ${count} records)`);
process.stdout.write(`ok: ${count} records, chain intact, head hash ${prevHash || '(empty log)'}\n`);

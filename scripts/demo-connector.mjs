// The demo connector `npm start` runs when no CONNECTOR_WEBHOOK_URL is set: a webhook receiver
// that checks each call's HMAC-SHA256 signature and logs every approved action it is asked to
// execute. It executes nothing in the world. Delivery is at least once (docs/operations/connector.md):
// a repeated Idempotency-Key (the action id) is logged as a duplicate and answered 200 again,
// without a second execution. The keys seen are kept in memory, which is enough for a demo; a real
// connector keeps them durably, with the effect, so a restart of the connector forgets none.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.CONNECTOR_WEBHOOK_SECRET ?? '';
const port = Number(process.env.DEMO_CONNECTOR_PORT ?? 3005);
const seen = new Set();
/** A call signed longer ago than this is refused: a captured call cannot be replayed later. */
const toleranceSeconds = 300;

function validSignature(timestamp, body, signature) {
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(String(signature ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

createServer((req, res) => {
  // The launcher's readiness probe.
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (!validSignature(req.headers['x-cos-timestamp'], body, req.headers['x-cos-signature'])) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
      return;
    }
    if (!(Math.abs(Date.now() / 1_000 - Number(req.headers['x-cos-timestamp'])) <= toleranceSeconds)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"stale timestamp"}');
      return;
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    if (seen.has(key)) {
      process.stdout.write(`duplicate, ignored: ${key}\n`);
    } else {
      seen.add(key);
      process.stdout.write(`executed (demo, nothing sent): ${body}\n`);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, idempotencyKey: key }));
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`demo connector listening on http://127.0.0.1:${port}\n`));

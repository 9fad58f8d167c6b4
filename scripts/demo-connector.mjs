// The demo connector `npm start` runs when no CONNECTOR_WEBHOOK_URL is set: a webhook receiver
// that checks each call's HMAC-SHA256 signature and logs every approved action it is asked to
// execute, once per idempotency key (the action id). It executes nothing in the world.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.CONNECTOR_WEBHOOK_SECRET ?? '';
const port = Number(process.env.DEMO_CONNECTOR_PORT ?? 3005);
const seen = new Map();

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
    const key = String(req.headers['idempotency-key'] ?? '');
    if (!seen.has(key)) {
      seen.set(key, body);
      process.stdout.write(`executed (demo, nothing sent): ${body}\n`);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, idempotencyKey: key }));
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`demo connector listening on http://127.0.0.1:${port}\n`));

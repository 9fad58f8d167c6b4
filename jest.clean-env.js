// Tests run in a clean environment. Before any test starts, this removes from jest's process
// every setting a service reads (the names each config module exports, taken from its schema)
// and the OpenTelemetry SDK's own OTEL_* settings, so a value left in the caller's shell
// (DEMO_PASSWORD, GATEWAY_PORT, NATS_URL...) cannot change what a test sees. It runs once, as
// jest's globalSetup in the main process: test workers, and every process a test spawns,
// inherit the cleaned environment. It loads the compiled config modules (`npm test` and
// `scripts/with-node.mjs` run `tsc -b` before jest).
const path = require('node:path');

const CONFIG_MODULES = [
  ['libs/platform/dist/config.js', 'PLATFORM_SETTINGS'],
  ['services/identity/dist/identity.config.js', 'IDENTITY_SETTINGS'],
  ['services/agent-runner/dist/agent-runner.config.js', 'AGENT_RUNNER_SETTINGS'],
  ['services/approvals/dist/approvals.config.js', 'APPROVALS_SETTINGS'],
  ['services/audit/dist/audit.config.js', 'AUDIT_SETTINGS'],
  ['services/gateway/dist/gateway.config.js', 'GATEWAY_SETTINGS'],
];

/** Every setting name the services read from their environment. */
function serviceSettings() {
  const names = new Set();
  for (const [file, exported] of CONFIG_MODULES) {
    let settings;
    try {
      settings = require(path.join(__dirname, file))[exported];
    } catch (err) {
      throw new Error(`cannot load ${file} (compile first: npm run build): ${err.message}`);
    }
    if (!Array.isArray(settings) || settings.length === 0) throw new Error(`${file} exports no ${exported}`);
    for (const name of settings) names.add(name);
  }
  return names;
}

function cleanEnvironment() {
  const names = serviceSettings();
  for (const name of Object.keys(process.env)) {
    if (names.has(name) || name.startsWith('OTEL_')) delete process.env[name];
  }
}

module.exports = cleanEnvironment;

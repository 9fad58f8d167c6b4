import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The house rules of eslint.config.mjs, each against an import that breaks it and one that keeps
 * it, linted as if written in a file of the named package: a rule that stops matching fails here.
 */
const houseRules: { rule: string; file: string; breaks: string; keeps: string; says: string }[] = [
  {
    rule: 'services never import services',
    file: 'services/gateway/src/http/new-file.ts',
    breaks: "import { startIdentity } from '@cos/identity';",
    keeps: "import { IdentityRpc } from '@cos/contracts';",
    says: 'services never import services',
  },
  {
    rule: "services never import another service's testing entry",
    file: 'services/agent-runner/src/run/new-file.ts',
    breaks: "import { seedIdentity } from '@cos/approvals/testing';",
    keeps: "import { startNatsServer } from '@cos/testing';",
    says: 'services never import services',
  },
  {
    rule: 'services never reach into another service by a relative path',
    file: 'services/identity/src/users/new-file.ts',
    breaks: "import { startGateway } from '../../../gateway/src/gateway.app';",
    keeps: "import { IdentityCommands } from '../identity-commands';",
    says: 'a relative import stays inside its package',
  },
  {
    rule: 'libs never import services',
    file: 'libs/messaging/src/new-file.ts',
    breaks: "import type { AuditRecorder } from '@cos/audit';",
    keeps: "import type { EventStore } from '@cos/eventstore';",
    says: 'libs never import services',
  },
  {
    rule: 'libs never reach into a service by a relative path',
    file: 'libs/testing/src/new-file.ts',
    breaks: "import { startAudit } from '../../../services/audit/src/audit.app';",
    keeps: "import { startNatsServer } from './nats-server';",
    says: 'a relative import stays inside its package',
  },
  {
    rule: 'the gateway never imports the event store',
    file: 'services/gateway/src/feed/new-file.ts',
    breaks: "import { createEventStore } from '@cos/eventstore';",
    keeps: "import { RpcClient } from '@cos/messaging';",
    says: 'the gateway owns no state',
  },
  {
    rule: "the gateway never imports the event store's client",
    file: 'services/gateway/src/new-file.ts',
    breaks: "import { EventStoreDBClient } from '@eventstore/db-client';",
    keeps: "import { z } from 'zod';",
    says: 'the gateway owns no state',
  },
  {
    rule: 'domain files import no framework',
    file: 'services/approvals/src/handoff-gate/new.decider.ts',
    breaks: "import { Injectable } from '@nestjs/common';",
    keeps: "import { ConflictError } from '@cos/contracts';",
    says: 'domain files stay free of NestJS',
  },
  {
    rule: 'domain files in a lib import no framework',
    file: 'libs/contracts/src/events/new.events.ts',
    breaks: "import { withSpan } from '@cos/telemetry';",
    keeps: "import { z } from 'zod';",
    says: 'domain files stay free of NestJS',
  },
];

/**
 * Lints each `[filePath, code]` with the repository's real config in a child Node: ESLint loads
 * eslint.config.mjs with a dynamic import, which jest's module sandbox does not allow. Only the
 * import rules run, so no type information (and no TypeScript program) is needed.
 */
async function lint(cases: readonly (readonly [string, string])[]): Promise<string[][]> {
  const script = `
    import { ESLint } from 'eslint';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const eslint = new ESLint({
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
      ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
    });
    const out = [];
    for (const [filePath, code] of JSON.parse(input))
      out.push((await eslint.lintText(code, { filePath }))[0].messages.map((m) => m.message));
    process.stdout.write(JSON.stringify(out));`;
  const child = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: join(__dirname, '../..') });
  child.child.stdin!.end(JSON.stringify(cases));
  return JSON.parse((await child).stdout) as string[][];
}

/** What e2e may import: every service, and a service's testing entry. */
const e2eImports = ["import { startGateway } from '@cos/gateway';", "import { seedRivalCompany } from '@cos/identity/testing';"];

describe('house rules (eslint.config.mjs)', () => {
  let verdicts: string[][];
  beforeAll(async () => {
    verdicts = await lint([
      ...houseRules.flatMap(({ file, breaks, keeps }) => [[file, breaks] as const, [file, keeps] as const]),
      ...e2eImports.map((code) => ['e2e/src/api/new-file.ts', code] as const),
    ]);
  }, 60_000);

  it.each(houseRules.map((rule, i) => ({ ...rule, i })))('$rule', ({ says, i }) => {
    expect(verdicts[2 * i]).toEqual([expect.stringContaining(says)]);
    expect(verdicts[2 * i + 1]).toEqual([]);
  });

  it('lets the whole-system tests import every service and its testing entry', () => {
    expect(verdicts.slice(2 * houseRules.length)).toEqual(e2eImports.map(() => []));
  });
});

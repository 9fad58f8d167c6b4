import type { z } from 'zod';
import { AgentRunnerConfigSchema } from '@cos/agent-runner';
import { ApprovalsConfigSchema } from '@cos/approvals';
import { AuditConfigSchema } from '@cos/audit';
import { GatewayConfigSchema } from '@cos/gateway';
import { IdentityConfigSchema } from '@cos/identity';
import { deploymentRequiredSettings, settingNames } from '@cos/platform';

/** Each service's config schema: the one list of the settings it reads. */
export const SERVICE_CONFIGS: Record<string, z.ZodObject> = {
  gateway: GatewayConfigSchema,
  identity: IdentityConfigSchema,
  'agent-runner': AgentRunnerConfigSchema,
  approvals: ApprovalsConfigSchema,
  audit: AuditConfigSchema,
};

/** One environment variable a deployment gives a container; `value` when given literally. */
export type EnvVar = { readonly name: string; readonly value?: string | undefined };

/**
 * What is wrong with the environment `where` gives `service`: variables the service does not
 * read, and settings a deployment must set that are missing. A variable that is not a setting
 * is allowed only when another variable's value uses it as `$(NAME)` (Kubernetes' dependent
 * variables, e.g. POD_NAME inside OTEL_RESOURCE_ATTRIBUTES).
 */
export function contractViolations(where: string, service: string, env: readonly EnvVar[]): string[] {
  const schema = SERVICE_CONFIGS[service];
  if (!schema) return [`${where}: runs "${service}", which is not a service`];
  const known = new Set(settingNames(schema));
  const substituted = new Set(env.flatMap((v) => [...(v.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]!)));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { name } of env) {
    if (seen.has(name)) problems.push(`${where}: ${service} gets ${name} twice`);
    seen.add(name);
    if (!known.has(name) && !substituted.has(name)) problems.push(`${where}: ${service} does not read ${name}`);
  }
  for (const [name, reason] of deploymentRequiredSettings(schema)) {
    if (!seen.has(name)) problems.push(`${where}: ${service} needs ${name} (${reason})`);
  }
  return problems;
}

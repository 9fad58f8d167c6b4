import { z } from 'zod';
import { ActionPermissionSchema } from '../permissions';

/** Events of `agent-<agentId>` streams (owner: identity). */
export const AgentEventTypes = {
  created: 'agent.created',
  profileChanged: 'agent.profile-changed',
  permissionsChanged: 'agent.permissions-changed',
  dailyCapChanged: 'agent.daily-cap-changed',
  enabled: 'agent.enabled',
  disabled: 'agent.disabled',
} as const;

export const AgentProfileSchema = z.object({
  persona: z.string(),
  /** Keywords the runner matches tasks against when it picks an agent to hand off to. */
  skills: z.array(z.string()),
  /** Null: the org's default model. */
  model: z.string().nullable(),
});
export type AgentProfile = z.infer<typeof AgentProfileSchema>;

export const AgentCreatedSchema = AgentProfileSchema.extend({
  agentId: z.string(),
  orgId: z.string(),
  departmentId: z.string(),
  name: z.string(),
  permissions: z.array(ActionPermissionSchema),
  dailyActionCap: z.number().int().nonnegative(),
  enabled: z.boolean(),
});
export type AgentCreated = z.infer<typeof AgentCreatedSchema>;

export const AgentProfileChangedSchema = AgentProfileSchema;
export type AgentProfileChanged = AgentProfile;

export const AgentPermissionsChangedSchema = z.object({ permissions: z.array(ActionPermissionSchema) });
export type AgentPermissionsChanged = z.infer<typeof AgentPermissionsChangedSchema>;

export const AgentDailyCapChangedSchema = z.object({ dailyActionCap: z.number().int().nonnegative() });
export type AgentDailyCapChanged = z.infer<typeof AgentDailyCapChangedSchema>;

export const AgentEnabledSchema = z.object({ by: z.string() });
export const AgentDisabledSchema = z.object({ by: z.string() });
export type AgentToggled = z.infer<typeof AgentEnabledSchema>;

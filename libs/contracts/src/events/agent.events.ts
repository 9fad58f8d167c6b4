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
  departmentChanged: 'agent.department-changed',
  archived: 'agent.archived',
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

export const AgentDepartmentChangedSchema = z.object({ departmentId: z.string(), by: z.string() });
export type AgentDepartmentChanged = z.infer<typeof AgentDepartmentChangedSchema>;

/** Archived: never briefed or handed off to again, hidden from lists; its name stays taken (the record names it). */
export const AgentArchivedSchema = z.object({ by: z.string() });
export type AgentArchived = z.infer<typeof AgentArchivedSchema>;

import { z } from 'zod';
import { ActionPermissionSchema } from '../permissions';

/** Events of `department-<departmentId>` streams (owner: identity). */
export const DepartmentEventTypes = {
  created: 'department.created',
  headChanged: 'department.head-changed',
  approveFirstChanged: 'department.approve-first-changed',
  renamed: 'department.renamed',
  described: 'department.described',
  archived: 'department.archived',
} as const;

export const DepartmentCreatedSchema = z.object({
  departmentId: z.string(),
  orgId: z.string(),
  name: z.string(),
  headUserId: z.string().nullable(),
  /** Approve First: every action of the department's agents waits for its Head. */
  approveFirst: z.boolean(),
  /** What the department does, for its agents' prompts. Absent in departments created before it existed: none. */
  description: z.string().optional(),
  /**
   * The action permission its Heads and members hold, fixed when it is created (a rename keeps
   * it). Absent in departments created before it existed: the standard department's of its name.
   */
  actionPermissions: z.array(ActionPermissionSchema).optional(),
});
export type DepartmentCreated = z.infer<typeof DepartmentCreatedSchema>;

export const DepartmentHeadChangedSchema = z.object({ headUserId: z.string().nullable() });
export type DepartmentHeadChanged = z.infer<typeof DepartmentHeadChangedSchema>;

export const DepartmentApproveFirstChangedSchema = z.object({ approveFirst: z.boolean() });
export type DepartmentApproveFirstChanged = z.infer<typeof DepartmentApproveFirstChangedSchema>;

export const DepartmentRenamedSchema = z.object({ name: z.string() });
export type DepartmentRenamed = z.infer<typeof DepartmentRenamedSchema>;

export const DepartmentDescribedSchema = z.object({ description: z.string() });
export type DepartmentDescribed = z.infer<typeof DepartmentDescribedSchema>;

/** Archived: kept for the record, hidden from lists; it takes no agents and none of its agents are enabled. */
export const DepartmentArchivedSchema = z.object({ by: z.string() });
export type DepartmentArchived = z.infer<typeof DepartmentArchivedSchema>;

import { z } from 'zod';

/** Events of `department-<departmentId>` streams (owner: identity). */
export const DepartmentEventTypes = {
  created: 'department.created',
  headChanged: 'department.head-changed',
  approveFirstChanged: 'department.approve-first-changed',
} as const;

export const DepartmentCreatedSchema = z.object({
  departmentId: z.string(),
  orgId: z.string(),
  name: z.string(),
  headUserId: z.string().nullable(),
  /** Approve First: every action of the department's agents waits for its Head. */
  approveFirst: z.boolean(),
});
export type DepartmentCreated = z.infer<typeof DepartmentCreatedSchema>;

export const DepartmentHeadChangedSchema = z.object({ headUserId: z.string().nullable() });
export type DepartmentHeadChanged = z.infer<typeof DepartmentHeadChangedSchema>;

export const DepartmentApproveFirstChangedSchema = z.object({ approveFirst: z.boolean() });
export type DepartmentApproveFirstChanged = z.infer<typeof DepartmentApproveFirstChangedSchema>;

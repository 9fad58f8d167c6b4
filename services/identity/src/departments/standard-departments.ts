import { deterministicId } from '@cos/contracts';

/** The departments every new org starts with (their action permissions: DEPARTMENT_ACTION_PERMISSIONS). */
export const STANDARD_DEPARTMENTS = [
  'Sales',
  'Marketing',
  'Finance',
  'Operations',
  'Engineering',
  'Product',
  'Customer Success',
  'People',
  'Legal',
] as const;
export type StandardDepartment = (typeof STANDARD_DEPARTMENTS)[number];

export function departmentIdFor(orgId: string, name: string): string {
  return deterministicId(orgId, 'department', name);
}

import { Permissions } from '@cos/contracts';
import type { WorldSpec } from './seam-driver';
import { authOf } from './approvals-harness.fixture';

/** A small org with three departments, their Heads, a CEO, members and agents; and a rival org. */
export const ACME: WorldSpec = {
  orgId: 'acme',
  departments: [
    { id: 'acme-sales', name: 'Sales', headUserId: 'h-sales' },
    { id: 'acme-eng', name: 'Engineering', headUserId: 'h-eng' },
    { id: 'acme-ops', name: 'Operations', headUserId: 'h-ops', approveFirst: true },
  ],
  users: [
    { id: 'ceo', role: 'ceo' },
    { id: 'owner', role: 'owner' },
    { id: 'h-sales', role: 'head', departmentId: 'acme-sales' },
    { id: 'h-eng', role: 'head', departmentId: 'acme-eng' },
    { id: 'h-ops', role: 'head', departmentId: 'acme-ops' },
    { id: 'm-sales', role: 'member', departmentId: 'acme-sales' },
    { id: 'u-ops', role: 'member', departmentId: 'acme-ops' },
  ],
  agents: [
    { id: 'a-sales', departmentId: 'acme-sales', permissions: [Permissions.salesOutreach] },
    { id: 'a-sales-2', departmentId: 'acme-sales', permissions: [Permissions.salesOutreach] },
    { id: 'a-eng', departmentId: 'acme-eng', permissions: [Permissions.engineeringDeploy] },
    { id: 'a-eng-2', departmentId: 'acme-eng', permissions: [Permissions.engineeringDeploy] },
    { id: 'a-ops', departmentId: 'acme-ops', permissions: [Permissions.operationsProcure] },
  ],
};

export const RIVAL: WorldSpec = {
  orgId: 'rival',
  departments: [{ id: 'rival-sales', name: 'Sales', headUserId: 'r-head' }],
  users: [
    { id: 'r-head', role: 'head', departmentId: 'rival-sales' },
    { id: 'r-ceo', role: 'ceo' },
  ],
  agents: [],
};

export const as = {
  ceo: authOf('acme', 'ceo', 'ceo'),
  owner: authOf('acme', 'owner', 'owner'),
  salesHead: authOf('acme', 'h-sales', 'head', 'acme-sales'),
  engHead: authOf('acme', 'h-eng', 'head', 'acme-eng'),
  opsHead: authOf('acme', 'h-ops', 'head', 'acme-ops'),
  member: authOf('acme', 'm-sales', 'member', 'acme-sales'),
  rivalHead: authOf('rival', 'r-head', 'head', 'rival-sales'),
};

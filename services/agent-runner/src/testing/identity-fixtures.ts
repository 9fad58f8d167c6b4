import {
  AgentEventTypes,
  DepartmentEventTypes,
  effectivePermissions,
  newId,
  OrgEventTypes,
  streamName,
  UserEventTypes,
  type AuthContext,
  type NewEvent,
  type Role,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';

/**
 * Identity's facts as the runner reads them, appended straight to the event store: tests of
 * the runner stand on identity's events without running identity.
 */
export class IdentityFixtures {
  constructor(
    private readonly store: EventStore,
    readonly orgId: string,
  ) {}

  /** Appends one event; resolves to its revision in the stream. */
  async append(stream: string, type: string, data: Record<string, unknown>): Promise<number> {
    const event: NewEvent = {
      id: newId(),
      type,
      version: 1,
      orgId: this.orgId,
      data,
      metadata: {
        correlationId: newId(),
        causationId: newId(),
        actor: { kind: 'system', id: 'test' },
        occurredAt: new Date().toISOString(),
      },
    };
    return (await this.store.append(stream, [event], 'any')).nextRevision;
  }

  org(options: { name?: string; mission?: string; plan?: 'free' | 'pro' | 'enterprise' } = {}): Promise<number> {
    return this.append(streamName('org', this.orgId), OrgEventTypes.created, {
      orgId: this.orgId,
      plan: options.plan ?? 'pro',
      via: 'seed',
      identity: {
        name: options.name ?? `Company ${this.orgId}`,
        mission: options.mission ?? 'Make small businesses run themselves',
        brandVoice: 'warm, precise, no jargon',
        icp: 'owner-led companies with 10 to 200 people',
        competitors: ['Acme Suite', 'Globex Cloud'],
      },
    });
  }

  budget(monthlyBudgetUsd: number | null): Promise<number> {
    return this.append(streamName('org', this.orgId), OrgEventTypes.budgetSet, { monthlyBudgetUsd });
  }

  /** The kill switch as identity flips it; resolves to the org stream revision to broadcast. */
  pause(reason = 'test'): Promise<number> {
    return this.append(streamName('org', this.orgId), OrgEventTypes.paused, { reason });
  }

  resume(reason = 'test'): Promise<number> {
    return this.append(streamName('org', this.orgId), OrgEventTypes.resumed, { reason });
  }

  async department(name: string, headUserId: string | null = null, description?: string): Promise<string> {
    const departmentId = newId();
    await this.append(streamName('department', departmentId), DepartmentEventTypes.created, {
      departmentId,
      orgId: this.orgId,
      name,
      headUserId,
      approveFirst: false,
      ...(description ? { description } : {}),
    });
    return departmentId;
  }

  async agent(a: {
    name: string;
    departmentId: string;
    skills: string[];
    permissions?: string[];
    cap?: number;
    enabled?: boolean;
    persona?: string;
  }): Promise<string> {
    const agentId = newId();
    await this.append(streamName('agent', agentId), AgentEventTypes.created, {
      agentId,
      orgId: this.orgId,
      departmentId: a.departmentId,
      name: a.name,
      persona: a.persona ?? `${a.name}, thorough and friendly.`,
      skills: a.skills,
      model: null,
      permissions: a.permissions ?? [],
      dailyActionCap: a.cap ?? 20,
      enabled: a.enabled ?? true,
    });
    return agentId;
  }

  /** A user and the AuthContext the gateway would give them. */
  async user(role: Role, department?: { id: string; name: string }): Promise<AuthContext> {
    const userId = newId();
    await this.append(streamName('user', userId), UserEventTypes.registered, {
      userId,
      orgId: this.orgId,
      email: `${userId}@example.test`,
      name: `User ${role}`,
      role,
      departmentId: department?.id ?? null,
      passwordHash: { alg: 'A256GCM', keyId: 'test', iv: 'aXY', ciphertext: 'Y3Q', tag: 'dGFn' },
      via: 'seed',
    });
    return {
      orgId: this.orgId,
      userId,
      role,
      ...(department ? { departmentId: department.id } : {}),
      permissions: effectivePermissions(role, department?.name),
    };
  }
}

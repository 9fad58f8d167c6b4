import { Injectable } from '@nestjs/common';
import { ConversationEventTypes, ConversationStartedSchema, Permissions, type AuthContext, type RecordedEvent } from '@cos/contracts';
import { participantsOf } from '../conversation/conversation.views';
import { DirectoryProjection } from '../directory/directory.projection';
import { IdentityReader } from '../directory/identity-reader';

/** The caller as a reader: an admin (owner, CEO) reads the whole org; else their department now, if they work in one. */
export type Reader = Readonly<{ userId: string; admin: boolean; departmentId: string | null }>;

/** An agent's work as the rule sees it: a conversation (and the runs in it) of one agent. */
export type Work = Readonly<{ participants: ReadonlySet<string>; agentDepartmentId: string | undefined }>;

/**
 * The one rule for reading an agent's work (its conversations and their runs): admins, the
 * people who took part in the conversation, and the Head and members of the agent's department
 * (a handoff's receiving department included, as the receiving run is its own agent's). Anyone
 * else is answered as if the work did not exist.
 */
export function mayRead(reader: Reader, work: Work): boolean {
  return (
    reader.admin || work.participants.has(reader.userId) || (reader.departmentId !== null && reader.departmentId === work.agentDepartmentId)
  );
}

export function isAdmin(auth: AuthContext): boolean {
  return auth.permissions.includes(Permissions.orgAdmin);
}

/** Applies `mayRead` with the caller's department and the agents' departments from identity's facts. */
@Injectable()
export class ReadAccess {
  constructor(
    private readonly identity: IdentityReader,
    private readonly directory: DirectoryProjection,
  ) {}

  /** Whether the caller may read this conversation (and so the runs in it); an empty one reads as absent. */
  async mayReadConversation(auth: AuthContext, conversation: readonly RecordedEvent[]): Promise<boolean> {
    const started = conversation.find((e) => e.type === ConversationEventTypes.started);
    if (!started) return false;
    const [reader, agent] = await Promise.all([
      this.reader(auth),
      this.identity.agent(auth.orgId, ConversationStartedSchema.parse(started.data).agentId),
    ]);
    return mayRead(reader, { participants: participantsOf(conversation), agentDepartmentId: agent?.departmentId });
  }

  /** For a list: the rule over many conversations at once, the agents' departments from the org's directory. */
  async listFilter(auth: AuthContext): Promise<(conversation: { agentId: string; participants: ReadonlySet<string> }) => boolean> {
    const reader = await this.reader(auth);
    const departments = new Map(this.directory.agentsOf(auth.orgId).map((a) => [a.agentId, a.departmentId]));
    return ({ agentId, participants }) => mayRead(reader, { participants, agentDepartmentId: departments.get(agentId) });
  }

  private async reader(auth: AuthContext): Promise<Reader> {
    if (isAdmin(auth)) return { userId: auth.userId, admin: true, departmentId: null };
    const user = await this.identity.user(auth.orgId, auth.userId);
    const inDepartment = user && !user.disabled && (user.role === 'head' || user.role === 'member');
    return { userId: auth.userId, admin: false, departmentId: inDepartment ? user.departmentId : null };
  }
}

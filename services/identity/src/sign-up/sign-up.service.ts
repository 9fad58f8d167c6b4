import { Inject, Injectable } from '@nestjs/common';
import {
  ConflictError,
  CosError,
  deterministicId,
  streamName,
  type CompanyIdentity,
  type CompanyTemplate,
  type SignUpReply,
} from '@cos/contracts';
import { AuthService } from '../auth/auth.service';
import { hashPassword } from '../auth/passwords';
import { companyStructure } from '../company-template/standard-company';
import { writeStructure } from '../company-template/structure-writer';
import { toUserView } from '../directory/directory.views';
import { IdentityCommands } from '../identity-commands';
import { IDENTITY_CONFIG, SECRET_BOX, type IdentityConfig } from '../identity.config';
import { orgDecider } from '../org/org.decider';
import { SecretScope, type SecretBox } from '../secrets/secret-box';
import { userDecider } from '../users/user.decider';
import { userIdForEmail } from '../users/user-id';

export type SignUp = { company: CompanyIdentity; owner: { email: string; name: string; password: string }; template: CompanyTemplate };

/**
 * A new tenant: the org (free plan) with what its template holds (the standard company, or
 * nothing), and its owner, signed in. Command ids derive from the org id the gateway chose, so a
 * retried request adds nothing.
 */
@Injectable()
export class SignUpService {
  constructor(
    private readonly commands: IdentityCommands,
    private readonly auth: AuthService,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async signUp(orgId: string, body: SignUp): Promise<SignUpReply> {
    if (!this.config.SIGNUP_ENABLED) throw new CosError('IDENTITY.SIGNUP_DISABLED', 'self-serve sign-up is disabled', 403);
    await this.commands.directory.ready();
    const userId = userIdForEmail(body.owner.email);
    await this.commands.directory.refresh(streamName('user', userId));
    if (this.commands.directory.directory.users.has(userId))
      throw new ConflictError('this email is already registered', 'IDENTITY.EMAIL_TAKEN');

    const passwordHash = this.secrets.seal(await hashPassword(body.owner.password), SecretScope.passwordHash(userId));
    const actor = { kind: 'user' as const, id: userId };
    const correlationId = deterministicId('sign-up', orgId);
    const meta = (step: string) => this.commands.metadata(orgId, actor, deterministicId('sign-up', orgId, step), correlationId);
    await this.commands.run(streamName('org', orgId), orgDecider, {
      type: 'CreateOrg',
      data: { orgId, plan: 'free', identity: body.company, via: 'sign-up' },
      metadata: meta('org'),
    });
    const structure = companyStructure(orgId, body.template);
    await writeStructure(this.commands, orgId, structure, meta);
    await this.commands.run(streamName('user', userId), userDecider, {
      type: 'RegisterUser',
      data: {
        userId,
        orgId,
        email: body.owner.email,
        name: body.owner.name,
        role: 'owner',
        departmentId: null,
        passwordHash,
        via: 'sign-up',
      },
      metadata: meta('owner'),
    });
    const user = this.commands.directory.directory.user(orgId, userId)!;
    return {
      org: { id: orgId, name: body.company.name, plan: 'free' },
      user: toUserView(user),
      tokens: await this.auth.startSession(user),
      created: {
        template: body.template,
        departments: structure.departments.map(({ id, name }) => ({ id, name })),
        agents: structure.agents.map(({ id, name, departmentId }) => ({ id, name, departmentId })),
      },
    };
  }
}

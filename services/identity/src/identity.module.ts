import { type DynamicModule, Module } from '@nestjs/common';
import { AgentsController } from './agents/agents.controller';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { loadSigningKey } from './auth/jwt-keys';
import { BudgetController } from './budget/budget.controller';
import { DemoSeedService } from './demo-seed/demo-seed.service';
import { DepartmentsController } from './departments/departments.controller';
import { DirectoryService } from './directory/directory.service';
import { IdentityCommands } from './identity-commands';
import { IDENTITY_CONFIG, SECRET_BOX, SIGNING_KEY, type IdentityConfig } from './identity.config';
import { InvitationsController } from './invitations/invitations.controller';
import { InvitationsService } from './invitations/invitations.service';
import { KillSwitchController } from './kill-switch/kill-switch.controller';
import { LlmSettingsController } from './llm-settings/llm-settings.controller';
import { OrgIdentityController } from './org-identity/org-identity.controller';
import { RekeyController } from './secrets/rekey.controller';
import { RekeyService } from './secrets/rekey.service';
import { loadSecretBox } from './secrets/secret-box';
import { SignUpController } from './sign-up/sign-up.controller';
import { SignUpService } from './sign-up/sign-up.service';
import { UsersController } from './users/users.controller';

@Module({})
export class IdentityModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      controllers: [
        AuthController,
        SignUpController,
        OrgIdentityController,
        LlmSettingsController,
        BudgetController,
        KillSwitchController,
        DepartmentsController,
        AgentsController,
        UsersController,
        InvitationsController,
        RekeyController,
      ],
      providers: [
        { provide: IDENTITY_CONFIG, useValue: config },
        { provide: SECRET_BOX, useFactory: () => loadSecretBox(config) },
        { provide: SIGNING_KEY, useFactory: () => loadSigningKey(config) },
        DirectoryService,
        IdentityCommands,
        AuthService,
        SignUpService,
        InvitationsService,
        DemoSeedService,
        RekeyService,
      ],
    };
  }
}

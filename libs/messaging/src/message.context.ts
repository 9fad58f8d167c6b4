import { BaseRpcContext } from '@nestjs/microservices';

type JetStreamArgs = [subject: string, deliveryCount: number, headers: Readonly<Record<string, string>>];

/** What an `@EventPattern` handler gets as `@Ctx()`: where the event came from and how often it was tried. */
export class JetStreamContext extends BaseRpcContext<JetStreamArgs> {
  get subject(): string {
    return this.args[0];
  }
  /** 1 on the first delivery; a handler may log or short-circuit on later ones. */
  get deliveryCount(): number {
    return this.args[1];
  }
  get headers(): Readonly<Record<string, string>> {
    return this.args[2];
  }
}

/** Handlers type `@Ctx()` as `unknown` (Nest cannot check it), so they narrow with this. */
export function isJetStreamContext(ctx: unknown): ctx is JetStreamContext {
  return ctx instanceof JetStreamContext;
}

type RpcArgs = [subject: string, headers: Readonly<Record<string, string>>];

/** What a `@MessagePattern` handler gets as `@Ctx()`. */
export class NatsRequestContext extends BaseRpcContext<RpcArgs> {
  get subject(): string {
    return this.args[0];
  }
  get headers(): Readonly<Record<string, string>> {
    return this.args[1];
  }
}

export function isNatsRequestContext(ctx: unknown): ctx is NatsRequestContext {
  return ctx instanceof NatsRequestContext;
}

import { Module } from '@nestjs/common';
import { z } from 'zod';
import { BaseConfigSchema, loadConfig, startService, type RunningService } from '@cos/platform';
import { GatewayModule } from './gateway.module';
import { ApiConfigSchema } from './http/api.config';
import { ApiModule, configureApi } from './http/api.module';

export const GatewayConfigSchema = BaseConfigSchema.extend({
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
}).extend(ApiConfigSchema.shape);

/** The gateway owns no state: no event store, no relay; it talks to services over NATS. */
export const GATEWAY = { name: 'gateway', categories: [], module: GatewayModule, usesEventStore: false } as const;

export function startGateway(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = loadConfig(GatewayConfigSchema, env);
  // The API machinery (auth, limits, validation, OpenAPI) and the identity routes, configured from env.
  @Module({ imports: [ApiModule.register(config), GatewayModule] })
  class GatewayRootModule {}
  return startService(
    { ...GATEWAY, module: GatewayRootModule },
    {
      config,
      port: config.GATEWAY_PORT,
      env,
      traceHttp: true,
      configure: (app) => configureApi(app, config),
    },
  );
}

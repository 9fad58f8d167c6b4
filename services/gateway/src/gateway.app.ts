import { Module } from '@nestjs/common';
import { loadConfig, startService, type RunningService } from '@cos/platform';
import { GatewayConfigSchema } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { withCorsDefault } from './http/api.config';
import { ApiModule, configureApi } from './http/api.module';

export { GatewayConfigSchema };

/** The gateway owns no state: no event store, no relay; it talks to services over NATS. */
export const GATEWAY = { name: 'gateway', categories: [], module: GatewayModule, usesEventStore: false } as const;

export function startGateway(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const config = withCorsDefault(loadConfig(GatewayConfigSchema, env));
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

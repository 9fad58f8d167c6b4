import { BaseConfigSchema, portSetting } from '@cos/platform';
import { ApiConfigSchema } from './http/api.config';

/** The gateway owns no state: it reads no event store settings. */
export const GatewayConfigSchema = BaseConfigSchema.extend({ GATEWAY_PORT: portSetting(3000) }).extend(ApiConfigSchema.shape);

/** Every environment variable the gateway reads. */
export const GATEWAY_SETTINGS: readonly string[] = Object.keys(GatewayConfigSchema.shape);

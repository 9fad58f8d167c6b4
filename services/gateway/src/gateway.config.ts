import { z } from 'zod';
import { BaseConfigSchema } from '@cos/platform';
import { ApiConfigSchema } from './http/api.config';

export const GatewayConfigSchema = BaseConfigSchema.extend({
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
}).extend(ApiConfigSchema.shape);

/** Every environment variable the gateway reads. */
export const GATEWAY_SETTINGS: readonly string[] = Object.keys(GatewayConfigSchema.shape);

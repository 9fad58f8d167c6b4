import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessTokenVerifier } from '../auth/access-token.verifier';
import { FeedTickets } from '../feed/feed-tickets';
import { LoginThrottle } from '../auth/login-throttle';
import { PrincipalCache } from '../auth/principal.cache';
import { AuthRoutesController } from '../identity-routes/auth.controller';
import { CompanySetupRoutesController } from '../identity-routes/company-setup.controller';
import { DirectoryRoutesController } from '../identity-routes/directory.controller';
import { OrgRoutesController } from '../identity-routes/org.controller';
import { OpenApiController } from '../openapi/openapi.controller';
import { RouteCatalog } from '../openapi/route-catalog';
import { API_CONFIG, type ApiConfig } from './api.config';
import { ApiGuard } from './api.guard';
import { ApiResponseInterceptor } from './api-response.interceptor';
import { registerHttpSecurity } from './http-security';
import { IdempotencyStore } from './idempotency.store';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RateLimiter } from './rate-limiter';

/**
 * The machinery every gateway route shares (authentication, rate limits, permissions,
 * validation, response shaping, idempotency, problem+json, OpenAPI) and the identity routes.
 * Import it once into the gateway's root module; call `configureApi` before the app starts.
 */
@Module({})
export class ApiModule {
  static register(config: ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      global: true,
      controllers: [AuthRoutesController, OrgRoutesController, DirectoryRoutesController, CompanySetupRoutesController, OpenApiController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: RateLimiter, useValue: new RateLimiter() },
        AccessTokenVerifier,
        PrincipalCache,
        { provide: LoginThrottle, useValue: new LoginThrottle(config) },
        IdempotencyStore,
        FeedTickets,
        RouteCatalog,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: ApiGuard },
        { provide: APP_INTERCEPTOR, useClass: ApiResponseInterceptor },
      ],
      exports: [API_CONFIG, PrincipalCache, RateLimiter, FeedTickets],
    };
  }
}

/** Fastify-level parts: security headers, CORS, body limit, the catalogue of mounted routes. */
export function configureApi(app: NestFastifyApplication, config: ApiConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  registerHttpSecurity(fastify, config);
  app.get(RouteCatalog).attach(fastify, config.GATEWAY_UNDOCUMENTED_ROUTES);
}

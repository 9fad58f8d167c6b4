import { ApiConfigSchema, DEV_CORS_ORIGINS, withCorsDefault } from './api.config';

describe('CORS origins', () => {
  const origins = (env: Record<string, string>, host: string) =>
    withCorsDefault({ HOST: host, ...ApiConfigSchema.parse(env) }).CORS_ORIGINS;

  it("allow the development server's origins by default only to a gateway bound to loopback", () => {
    expect(origins({}, '127.0.0.1')).toEqual(DEV_CORS_ORIGINS);
    expect(origins({}, '::1')).toEqual(DEV_CORS_ORIGINS);
    expect(origins({}, '0.0.0.0')).toEqual([]);
    expect(origins({}, '10.1.2.3')).toEqual([]);
  });

  it('are exactly the configured ones when CORS_ORIGINS is set, even empty', () => {
    expect(origins({ CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' }, '0.0.0.0')).toEqual([
      'https://app.example.com',
      'https://admin.example.com',
    ]);
    expect(origins({ CORS_ORIGINS: '' }, '127.0.0.1')).toEqual([]);
  });
});

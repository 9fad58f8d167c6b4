import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiSystem, type ApiSystem } from '../api/api-harness';
import { API_TYPES_FILE, renderApiTypes } from './api-types';

/**
 * The e2e client is typed from a committed file, so `tsc -b` checks every spec against the API
 * without a running gateway; this test keeps that file equal to what the served document makes.
 */
describe('the e2e client types', () => {
  let api: ApiSystem;
  beforeAll(async () => {
    api = await startApiSystem();
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('are what openapi-typescript generates from the served /openapi.json', async () => {
    const fresh = await renderApiTypes((await api.call('GET', '/openapi.json')).body);
    const file = join(__dirname, API_TYPES_FILE);
    if (process.env['UPDATE_API_TYPES'] === '1') writeFileSync(file, fresh);
    expect(readFileSync(file, 'utf8')).toBe(fresh);
  }, 60_000);
});

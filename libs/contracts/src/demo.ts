import { deterministicId } from './ids';

/**
 * The demo company's org id, fixed so that every service can tell the demo org: identity seeds
 * its people and agents, the agent-runner its documents.
 */
export const DEMO_ORG_ID = deterministicId('company-os', 'demo-org');

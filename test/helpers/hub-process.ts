// Tests start real hub processes the way the local cluster does, with test defaults.
import { startHub as start, type HubProcess, type StartHubOptions } from '../../scripts/cluster/hub-process.js';

export { freePort, waitReady, type HubProcess } from '../../scripts/cluster/hub-process.js';

export const TEST_HUB_ENV = { NODE_ENV: 'test', LOG_LEVEL: 'warn', BCRYPT_COST: '4', DEMO: 'false' };

export function startHub(env: Record<string, string>, opts: StartHubOptions = {}): Promise<HubProcess> {
  return start({ ...TEST_HUB_ENV, ...env }, opts);
}

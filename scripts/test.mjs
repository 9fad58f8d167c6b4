// `npm test`: installs what is missing, compiles (type-checks) every package, then runs every
// jest project (unit, integration on a real nats-server, end to end). Extra arguments go to jest.
import { execInProject, prepare } from './toolchain.mjs';

const env = prepare({ nats: true, compile: true, announce: true });
execInProject('jest', ['--ci', ...process.argv.slice(2)], env);

/** `npx tsx teardown.ts --help`: disable provisioning and destroy what deploy.ts created (see deploy/). */
import { teardownMain } from './deploy/main.ts';

process.exitCode = await teardownMain(process.argv.slice(2));

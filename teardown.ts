/** `npx tsx teardown.ts --help`: disable provisioning and destroy what deploy.ts created (see infra/cli/). */
import { teardownMain } from './infra/cli/main.ts';

process.exitCode = await teardownMain(process.argv.slice(2));

/** `npx tsx deploy.ts --help`: synthesize the spotplane stacks and apply them (see infra/cli/). */
import { deployMain } from './infra/cli/main.ts';

process.exitCode = await deployMain(process.argv.slice(2));

/** `npx tsx deploy.ts --help`: synthesize the spotplane stacks and apply them (see deploy/). */
import { deployMain } from './deploy/main.ts';

process.exitCode = await deployMain(process.argv.slice(2));

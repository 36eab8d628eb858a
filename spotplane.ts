/** `npx tsx spotplane.ts --help`: status, enable, disable and watch a spotplane deployment (see cli/). */
import { statusMain } from './cli/main.ts';

process.exitCode = await statusMain(process.argv.slice(2));

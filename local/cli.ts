/**
 * `npx tsx local/cli.ts <command>`: local tools (today `simulate`, see `simulate --help`). The command
 * keeps this path; the simulator itself lives in `sim/`.
 */
import { main } from '../sim/cli.ts';

process.exitCode = await main(process.argv.slice(2));

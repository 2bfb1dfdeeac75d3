/**
 * One side of one bench case in its own process: `tsx bench/child.ts <side> <n>` prints one JSON
 * line: the side's {@link SideResult} plus `maxRSSKiB` (`process.resourceUsage().maxRSS`).
 */
import { SIDES } from './cases.js';

const [name, n] = [process.argv[2]!, Number(process.argv[3])];
const side = SIDES[name];
if (!side) throw new Error(`unknown bench side ${name}`);
const result = await side(n);
process.stdout.write(`${JSON.stringify({ ...result, maxRSSKiB: process.resourceUsage().maxRSS })}\n`);
process.exit(0);

/** `node --import tsx bench/profile.ts <file.cpuprofile>...`: where a profiled gateway spent its CPU. */
import { summarizeProfile } from './lib/cpu-profile.js';
import { formatTable, percent } from './lib/table.js';

for (const file of process.argv.slice(2)) {
  const summary = await summarizeProfile(file, 25);
  console.log(`${file}: ${summary.totalMs.toFixed(0)} ms sampled\n`);
  console.log(formatTable({ title: 'self time by owner', columns: ['owner', 'ms', 'share'], rows: summary.byOwner.map((o) => [o.owner, o.ms.toFixed(0), percent(o.share)]) }));
  console.log();
  console.log(formatTable({ title: 'self time by function', columns: ['function', 'owner', 'ms', 'share'], rows: summary.byFunction.map((f) => [f.fn, f.owner, f.ms.toFixed(0), percent(f.share)]) }));
  console.log();
}

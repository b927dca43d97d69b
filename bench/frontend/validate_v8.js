// validate_v8.js: V8's validation throughput, for bench/frontend/validate_vs_v8.sh.
//
// node validate_v8.js FILE.wasm... : for each file, WebAssembly.validate on its bytes (one
// thread, synchronous: the whole module, every function body) repeated for at least MIN_MS,
// after warm-up; prints "file<TAB>bytes<TAB>MB/s" with MB/s from process CPU time (user +
// system) so that a loaded machine does not count other processes' time.
'use strict';
const fs = require('fs');
const MIN_MS = Number(process.env.MIN_MS || 1000);
for (const file of process.argv.slice(2)) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  if (!WebAssembly.validate(bytes)) {
    console.error(`${file}: V8 says invalid`);
    process.exitCode = 1;
    continue;
  }
  for (let i = 0; i < 3; ++i) WebAssembly.validate(bytes);  // warm-up
  let runs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - t0) / 1e6 < MIN_MS) {
    WebAssembly.validate(bytes);
    ++runs;
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${file}\t${bytes.length}\t${(bytes.length * runs / seconds / 1e6).toFixed(1)}`);
}

// run_v8.mjs: runs one binaryen `wasm-opt -ttf` module under V8 and prints what it does, in the
// format egret_fuzz_exec prints, so tests/fuzz/differential.sh can compare the two line by line.
//
//   node --experimental-wasm-type-reflection run_v8.mjs MODULE.wasm
//
// Output, one line per event:
//   call NAME                  before each exported function is called
//   log TYPE VALUE             a fuzzing-support log-TYPE import was called
//   result TYPE VALUE          one line per result of the export
//   trap KIND                  the export (or instantiation) trapped
// Values: i32/i64 as signed decimal, f32/f64 as their bit pattern in hex (0x...), or `nan` for
// any NaN (engines may differ in NaN payloads; the campaign removes NaNs with --denan, but
// NaNs crossing into JS may be canonicalized), references as `null` or `ref`.
// Trap kinds are normalized to what both engines can tell apart: unreachable, heap_oob,
// int_divz, int_ovf (integer overflow and bad float->int conversions: V8 does not separate
// them), table (table and call_indirect index out of bounds), icall (null entry or signature
// mismatch), stk_ovf; anything else prints `trap other: MESSAGE`.
//
// Exports are called in export-section order with zero-valued arguments. If the module exports
// `hangLimitInitializer` (binaryen's budget for loops and recursion), it is called, silently,
// before every other export, and is not itself listed. Exit status: 0 after running every
// export, 2 if the module does not compile or has an import this runner does not provide.
import fs from 'node:fs';

const lines = [];
const out = (s) => lines.push(s);

function f32Bits(x) {
  const f = new Float32Array([x]);
  return new Uint32Array(f.buffer)[0];
}
function f64Bits(x) {
  const f = new Float64Array([x]);
  return new BigUint64Array(f.buffer)[0];
}
function fmt(type, v) {
  switch (type) {
    case 'i32':
      return String(v | 0);
    case 'i64':
      return BigInt.asIntN(64, BigInt(v)).toString();
    case 'f32':
      return Number.isNaN(v) ? 'nan' : '0x' + f32Bits(v).toString(16).padStart(8, '0');
    case 'f64':
      return Number.isNaN(v) ? 'nan' : '0x' + f64Bits(v).toString(16).padStart(16, '0');
    default:  // funcref, externref, anyref...
      return v === null ? 'null' : 'ref';
  }
}
function zero(type) {
  switch (type) {
    case 'i32':
    case 'f32':
    case 'f64':
      return 0;
    case 'i64':
      return 0n;
    default:
      return null;
  }
}
function trapKind(e) {
  const m = String(e && e.message);
  if (e instanceof RangeError && /call stack/.test(m)) return 'stk_ovf';
  if (!(e instanceof WebAssembly.RuntimeError)) return 'other: ' + m;
  if (/unreachable/.test(m)) return 'unreachable';
  if (/memory access out of bounds|data segment.*out of bounds|out of bounds memory/.test(m))
    return 'heap_oob';
  if (/divide by zero|remainder by zero/.test(m)) return 'int_divz';
  if (/unrepresentable/.test(m)) return 'int_ovf';
  if (/table index is out of bounds|table.*out of bounds|element segment.*out of bounds/.test(m))
    return 'table';
  if (/null function|signature mismatch|function signature/.test(m)) return 'icall';
  return 'other: ' + m;
}

const bytes = fs.readFileSync(process.argv[2]);
let module;
try {
  module = new WebAssembly.Module(bytes);
} catch (e) {
  console.log('invalid: ' + e.message);
  process.exit(2);
}
const imports = {};
for (const imp of WebAssembly.Module.imports(module)) {
  const m = /^log-(i32|i64|f32|f64)$/.exec(imp.name);
  if (imp.module !== 'fuzzing-support' || imp.kind !== 'function' || !m) {
    console.log(`invalid: unsupported import ${imp.module}.${imp.name}`);
    process.exit(2);
  }
  const type = m[1];
  (imports[imp.module] ??= {})[imp.name] = (v) => out(`log ${type} ${fmt(type, v)}`);
}
let instance;
try {
  instance = new WebAssembly.Instance(module, imports);
} catch (e) {
  out('trap ' + trapKind(e));
  process.stdout.write(lines.map((l) => l + '\n').join(''));
  process.exit(0);
}
const exports = WebAssembly.Module.exports(module);
const hang = exports.some((e) => e.name === 'hangLimitInitializer' && e.kind === 'function');
for (const e of exports) {
  if (e.kind !== 'function' || e.name === 'hangLimitInitializer') continue;
  out('call ' + e.name);
  try {
    if (hang) instance.exports.hangLimitInitializer();
    const fn = instance.exports[e.name];
    const r = fn(...e.type.parameters.map(zero));
    const results = e.type.results;
    const values = results.length === 1 ? [r] : results.length === 0 ? [] : Array.from(r);
    results.forEach((t, i) => out(`result ${t} ${fmt(t, values[i])}`));
  } catch (err) {
    out('trap ' + trapKind(err));
  }
}
process.stdout.write(lines.map((l) => l + '\n').join(''));

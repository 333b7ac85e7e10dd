// Placeholder entry point so the benchmark bundle builds; the real benchmarks replace this file.
// TODO(lead): replace with the benchmarks.

console.log('no benchmarks yet');

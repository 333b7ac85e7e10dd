/**
 * The heavy half of the extension — the playground's control plane (manifest parser, workload expansion, the three
 * endpoint controllers) and the YAML printer — bundled on its own as dist/playground.js and loaded only when the
 * Services view first shows or an object is opened as YAML. Activation then loads only the small adapter bundle
 * (DESIGN.md: activation ≤ 50 ms).
 */
export { PlaygroundCluster } from '../cluster/playground/playground';
export { stringify as stringifyYaml } from 'yaml';

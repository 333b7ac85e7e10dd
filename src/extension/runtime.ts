/**
 * The heavy half of the extension, bundled on its own as dist/runtime.js and loaded on first use (see lazy.ts): the
 * playground's control plane (manifest parser, workload expansion, the three endpoint controllers), the live-cluster
 * source with @kubernetes/client-node, and the YAML printer. Activation then loads only the small adapter bundle
 * (DESIGN.md: activation ≤ 50 ms).
 */
export { PlaygroundCluster } from '../cluster/playground/playground';
export { loadKubeconfig, resolveKubeconfig } from '../cluster/live/kubeconfig';
export { LiveClusterSource } from '../cluster/live/liveSource';
export { stringify as stringifyYaml } from 'yaml';
export { WorkspaceIndex } from '../core/manifests/workspaceIndex';
export { computeCodeLenses, computeDiagnostics, computeHover, previewSlicesYaml } from '../core/hover/preview';
export { formatPlanResult, planFiles } from '../cluster/live/planFiles';
export { planYaml } from '../core/analysis/plan';
export { buildServiceFlow } from '../core/diagrams/flow';
export { TimelineRecorder, buildTimeline } from '../core/diagrams/timeline';
export { buildWalkthroughDiagram, walkthroughSteps } from '../core/diagrams/walkthrough';

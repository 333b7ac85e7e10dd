/**
 * Settings (STYLE 10): flat keys under `endpointLens.`, declared in package.json with scopes and descriptions, read
 * in one typed place. Call `readConfiguration()` again when `affectsConfiguration('endpointLens')` fires.
 */
import * as vscode from 'vscode';

export type PlaygroundManifestSource = 'auto' | 'workspace' | 'examples';

export interface EndpointLensConfig {
	/** `--max-endpoints-per-slice` of the simulated EndpointSlice controller. */
	maxEndpointsPerSlice: number;
	playground: {
		/** Where the playground reads manifests from. */
		source: PlaygroundManifestSource;
		/** Glob of workspace files to read. */
		include: string;
		/** Glob of workspace files to skip. */
		exclude: string;
		/** Files larger than this are skipped (and reported). */
		maxFileBytes: number;
		/** Simulated time a pod takes from creation to Ready, in ms; 0 makes the kubelet instant. */
		podStartupMs: number;
		/** Simulated termination grace period, in ms. */
		terminationGraceMs: number;
		/** Re-apply the manifests when a YAML file is saved. */
		applyOnSave: boolean;
	};
}

function num(value: unknown, fallback: number, min: number, max: number): number {
	return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

export function readConfiguration(): EndpointLensConfig {
	const c = vscode.workspace.getConfiguration('endpointLens');
	const source = c.get<string>('playground.source');
	return {
		maxEndpointsPerSlice: num(c.get('maxEndpointsPerSlice'), 100, 1, 1000),
		playground: {
			source: source === 'workspace' || source === 'examples' ? source : 'auto',
			include: c.get<string>('playground.include') || '**/*.{yaml,yml}',
			exclude: c.get<string>('playground.exclude') || '**/{node_modules,.git}/**',
			maxFileBytes: num(c.get('playground.maxFileSizeKB'), 2048, 1, 1_000_000) * 1024,
			podStartupMs: num(c.get('playground.podStartupMs'), 2000, 0, 600_000),
			terminationGraceMs: num(c.get('playground.terminationGraceMs'), 5000, 0, 3_600_000),
			applyOnSave: c.get<boolean>('playground.applyOnSave') ?? true,
		},
	};
}

/**
 * Settings (STYLE 10): flat keys under `endpointLens.`, declared in package.json with scopes and descriptions, read
 * in one typed place. Call `readConfiguration()` again when `affectsConfiguration('endpointLens')` fires.
 */
import * as vscode from 'vscode';

export type PlaygroundManifestSource = 'auto' | 'workspace' | 'examples';

export interface EndpointLensConfig {
	/** `--max-endpoints-per-slice` of the simulated EndpointSlice controller. */
	maxEndpointsPerSlice: number;
	/** The workspace's manifest files, as the playground and the previews read them. */
	manifests: {
		/** Glob of workspace files to read. */
		include: string;
		/** Glob of workspace files to skip. */
		exclude: string;
		/** Files larger than this are skipped (and reported). */
		maxFileBytes: number;
	};
	/** Hovers, CodeLens and diagnostics on manifests. */
	preview: {
		hover: boolean;
		codeLens: boolean;
		diagnostics: boolean;
		/** Use the connected kube context's pods and slices in previews (never connects by itself). */
		useLiveCluster: boolean;
		/** Endpoints listed in a hover before the rest are counted. */
		maxHoverEndpoints: number;
	};
	playground: {
		/** Where the playground reads manifests from. */
		source: PlaygroundManifestSource;
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

/**
 * A setting's value, falling back to the key it replaced (`playground.include` became `manifests.include` in 0.4.0)
 * when only the old one is set.
 */
function renamed<T>(c: vscode.WorkspaceConfiguration, key: string, oldKey: string): T | undefined {
	// Only values a user set count: VS Code gives an undeclared default (0, '', false) to a key without one.
	const set = (k: string) => {
		const i = c.inspect<T>(k);
		return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
	};
	return set(key) ?? set(oldKey) ?? c.get<T>(key);
}

export function readConfiguration(): EndpointLensConfig {
	const c = vscode.workspace.getConfiguration('endpointLens');
	const source = c.get<string>('playground.source');
	return {
		maxEndpointsPerSlice: num(c.get('maxEndpointsPerSlice'), 100, 1, 1000),
		manifests: {
			include: renamed<string>(c, 'manifests.include', 'playground.include') || '**/*.{yaml,yml}',
			exclude: renamed<string>(c, 'manifests.exclude', 'playground.exclude') || '**/{node_modules,.git}/**',
			maxFileBytes: num(renamed(c, 'manifests.maxFileSizeKB', 'playground.maxFileSizeKB'), 2048, 1, 1_000_000) * 1024,
		},
		preview: {
			hover: c.get<boolean>('preview.hover') ?? true,
			codeLens: c.get<boolean>('preview.codeLens') ?? true,
			diagnostics: c.get<boolean>('preview.diagnostics') ?? true,
			useLiveCluster: c.get<boolean>('preview.useLiveCluster') ?? true,
			maxHoverEndpoints: num(c.get('preview.maxHoverEndpoints'), 10, 1, 1000),
		},
		playground: {
			source: source === 'workspace' || source === 'examples' ? source : 'auto',
			podStartupMs: num(c.get('playground.podStartupMs'), 2000, 0, 600_000),
			terminationGraceMs: num(c.get('playground.terminationGraceMs'), 5000, 0, 3_600_000),
			applyOnSave: c.get<boolean>('playground.applyOnSave') ?? true,
		},
	};
}

/**
 * The workspace's manifest files, as the playground and the previews read them (`endpointLens.manifests.*`): found
 * with `findFiles`, decoded as kubectl decodes them (UTF-8, or UTF-16 with a byte-order mark); files over the size
 * limit and binary files skipped and reported (naming the size, the limit and the setting), files without a `kind:`
 * line ignored. Reading yields to the event loop between files, so a big workspace never blocks the extension host.
 */
import { readFile, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { binaryContent, decodeManifestBytes, tooLargeReason } from '../core/manifests/fileText';
import type { EndpointLensConfig } from './config';

/** A manifest file's path and text. */
export interface ManifestFile {
	path: string;
	text: string;
}

export interface ManifestScan {
	files: ManifestFile[];
	/** Milliseconds spent finding the files (`findFiles`) and reading them. */
	findMs: number;
	readMs: number;
	/** Files not read, with why (relative paths). */
	skipped: { path: string; reason: string }[];
}

/** At most this many files are read (findFiles' limit). */
export const maxManifestFiles = 5000;

const looksLikeManifest = /^\s*kind:\s*\S/m;

export function looksLikeManifestText(text: string): boolean {
	return looksLikeManifest.test(text);
}

/** Whether a document is one of the workspace's manifest files by the settings' globs (its text is not read). */
export function matchesManifestGlobs(doc: vscode.TextDocument, cfg: EndpointLensConfig['manifests']): boolean {
	return (
		vscode.workspace.getWorkspaceFolder(doc.uri) !== undefined &&
		vscode.languages.match({ scheme: 'file', pattern: cfg.include }, doc) > 0 &&
		!(vscode.languages.match({ scheme: 'file', pattern: cfg.exclude }, doc) > 0)
	);
}

/** The length of a document in UTF-16 code units, without copying its text. */
export function documentLength(doc: vscode.TextDocument): number {
	return doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
}

/**
 * A file's size and text. Files on disk are read with Node's fs (the extension host runs beside them; through
 * `workspace.fs` each call is a round trip to the workbench); other schemes through `workspace.fs`.
 */
export async function fileSize(uri: vscode.Uri): Promise<number> {
	return uri.scheme === 'file' ? (await stat(uri.fsPath)).size : (await vscode.workspace.fs.stat(uri)).size;
}

export async function readText(uri: vscode.Uri): Promise<string> {
	return decodeManifestBytes(uri.scheme === 'file' ? await readFile(uri.fsPath) : await vscode.workspace.fs.readFile(uri));
}

/** Why a file's text is not read as YAML (binary content), for the list of skipped files; undefined for text. */
export function binaryReason(text: string): string | undefined {
	const binary = binaryContent(text);
	return binary ? `binary file (${binary.reason}), not YAML` : undefined;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reads the workspace's manifest files, sorted by path. */
export async function readWorkspaceManifests(
	cfg: EndpointLensConfig['manifests'],
	token?: vscode.CancellationToken,
): Promise<ManifestScan> {
	const skipped: ManifestScan['skipped'] = [];
	const files: ManifestFile[] = [];
	if ((vscode.workspace.workspaceFolders?.length ?? 0) === 0) {
		return { files, skipped, findMs: 0, readMs: 0 };
	}
	const t0 = performance.now();
	const uris = await vscode.workspace.findFiles(cfg.include, cfg.exclude, maxManifestFiles, token);
	const findMs = performance.now() - t0;
	uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
	let last = performance.now();
	for (const uri of uris) {
		if (token?.isCancellationRequested) {
			break;
		}
		const rel = vscode.workspace.asRelativePath(uri);
		try {
			const size = await fileSize(uri);
			if (size > cfg.maxFileBytes) {
				skipped.push({ path: rel, reason: tooLargeReason(size, cfg.maxFileBytes) });
				continue;
			}
			const text = await readText(uri);
			const binary = binaryReason(text);
			if (binary) {
				skipped.push({ path: rel, reason: binary });
			} else if (looksLikeManifest.test(text)) {
				files.push({ path: uri.fsPath, text });
			}
		} catch (err) {
			skipped.push({ path: rel, reason: err instanceof Error ? err.message : String(err) });
		}
		if (performance.now() - last > 15) {
			await yieldToEventLoop();
			last = performance.now();
		}
	}
	return { files, skipped, findMs, readMs: performance.now() - t0 - findMs };
}

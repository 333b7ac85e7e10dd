/**
 * Workspace YAML (and JSON) → Kubernetes objects with source ranges, and diagnostics for everything else.
 *
 * Parsing uses the `yaml` package's `parseAllDocuments` with a `LineCounter`, so every object keeps the range of
 * its document (or `List` item) and of each key, in 0-based LSP line/character positions, for hovers and CodeLens.
 * The YAML dialect follows what kubectl (sigs.k8s.io/yaml, go-yaml v2) accepts: YAML 1.1 booleans (`yes`, `on`)
 * and octals, merge keys (`<<`), string keys only, but timestamps stay strings. `.json` files are read as JSON.
 *
 * The parser never throws and never gives up on a file: each document is handled on its own. Problems become
 * `ManifestDiagnostic`s with the document index and the 1-based line of the offending field:
 * - `error`: the API server would reject the object (or it is not YAML at all); the object is left out;
 * - `warning`: the object is kept or ignored with a caveat (unknown kinds, a document that is not a manifest);
 * - `info`: notes (custom resources are not read).
 * Built-in kinds that play no part in endpoints (ConfigMap, Secret, Ingress, …) are kept silently with
 * `supported: false`. Helm templates (`{{ … }}`) get one message asking for rendered output, instead of the cascade
 * of YAML errors they cause. A binary file (a NUL byte, or mostly control characters and bytes that are not UTF-8)
 * gets one error and is not parsed; stray control characters (which kubectl rejects) and replacement characters (the
 * mark of a file that is not UTF-8) are pointed at, and the file is still read.
 */
import { Composer, LineCounter, Parser, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, DocumentOptions, SchemaOptions, Tags, Node as YamlNode } from 'yaml';
import { isNamespacedKind } from '../k8s/defaulting';
import { generateName } from '../k8s/names';
import type { TypedObject } from '../k8s/types';
import type { ManifestDiagnosticCode, PathSegment } from './validate';
import { binaryContent } from './fileText';
import { describeValue, formatPath, isPlainObject, validateManifestObject } from './validate';

/** A position in a document, 0-based like LSP (`character` counts UTF-16 code units). */
export interface SourcePosition {
	line: number;
	character: number;
}

/** A range, end exclusive, trailing whitespace trimmed. */
export interface SourceRange {
	start: SourcePosition;
	end: SourcePosition;
}

/** The raw JSON of a manifest, as written (not defaulted). */
export type RawObject = TypedObject & Record<string, unknown>;

/** One Kubernetes object read from a file. */
export interface ParsedManifest {
	/** The object as written, with `apiVersion`/`kind` filled in from a typed List when its items omit them. */
	object: RawObject;
	kind: string;
	apiVersion: string;
	/** The object's namespace, or the default namespace when it names none; undefined for cluster-scoped kinds. */
	namespace: string | undefined;
	/** `metadata.name`, or a deterministic completion of `metadata.generateName`. */
	name: string;
	file: string;
	/** 0-based index of the YAML document in the file (`---` separated; empty documents count). */
	docIndex: number;
	/** For objects inside a `kind: List` (or `ServiceList`, …): the index in `items`. */
	itemIndex?: number;
	/** The object's extent. */
	range: SourceRange;
	/**
	 * JSON path → range, relative to this object: `metadata.name`, `spec.selector`, `spec.ports[0]`,
	 * `spec.ports[0].targetPort`, `spec.template.metadata.labels`, `metadata.labels["app.kubernetes.io/name"]`, …
	 * A key's range runs from the start of the key to the end of its value; a list item's covers the item.
	 * Filled for every key of supported kinds, and three levels deep (`metadata.labels.x`) for other kinds.
	 */
	keyRanges: Record<string, SourceRange>;
	/** Whether Endpoint Lens reads this kind (Service, Endpoints, EndpointSlice, Pod, Node, workloads). */
	supported: boolean;
}

/** A problem found in a file. */
export interface ManifestDiagnostic {
	severity: 'error' | 'warning' | 'info';
	code: ManifestDiagnosticCode;
	message: string;
	file: string;
	/** 1-based line. */
	line: number;
	/** 1-based column. */
	column: number;
	/** 0-based document index in the file. */
	docIndex: number;
	/** The range the diagnostic points at (0-based), when known. */
	range?: SourceRange;
	/** JSON path of the field, when the problem is about one. */
	path?: string;
	kind?: string;
	name?: string;
}

/** Options of `parseManifests`. */
export interface ParseOptions {
	/** Namespace for namespaced objects that name none. Default "default". */
	defaultNamespace?: string;
}

/** The result of parsing one file. */
export interface ManifestParseResult {
	manifests: ParsedManifest[];
	diagnostics: ManifestDiagnostic[];
}

/** Kinds Endpoint Lens reads, with the apiVersion that serves them. */
export const supportedKinds: Readonly<Record<string, string>> = {
	Service: 'v1',
	Endpoints: 'v1',
	Pod: 'v1',
	Node: 'v1',
	EndpointSlice: 'discovery.k8s.io/v1',
	Deployment: 'apps/v1',
	ReplicaSet: 'apps/v1',
	StatefulSet: 'apps/v1',
	DaemonSet: 'apps/v1',
	Job: 'batch/v1',
	CronJob: 'batch/v1',
};

/** Group versions that used to serve supported kinds, with the release that stopped serving them. */
const removedVersions: Readonly<Record<string, string>> = {
	'extensions/v1beta1': 'v1.16',
	'apps/v1beta1': 'v1.16',
	'apps/v1beta2': 'v1.16',
	'discovery.k8s.io/v1beta1': 'v1.25',
	'discovery.k8s.io/v1alpha1': 'v1.21',
	'batch/v1beta1': 'v1.25',
	'batch/v2alpha1': 'v1.21',
};

/** Built-in kinds that have nothing to do with endpoints: kept, silently. */
const ignoredKinds = new Set([
	'APIService',
	'Binding',
	'CertificateSigningRequest',
	'ClusterRole',
	'ClusterRoleBinding',
	'ComponentStatus',
	'ConfigMap',
	'ControllerRevision',
	'CSIDriver',
	'CSINode',
	'CSIStorageCapacity',
	'CustomResourceDefinition',
	'Event',
	'FlowSchema',
	'HorizontalPodAutoscaler',
	'Ingress',
	'IngressClass',
	'IPAddress',
	'Kustomization',
	'Component',
	'Lease',
	'LimitRange',
	'MutatingWebhookConfiguration',
	'Namespace',
	'NetworkPolicy',
	'PersistentVolume',
	'PersistentVolumeClaim',
	'PodDisruptionBudget',
	'PodTemplate',
	'PriorityClass',
	'PriorityLevelConfiguration',
	'ReplicationController',
	'ResourceQuota',
	'Role',
	'RoleBinding',
	'RuntimeClass',
	'Secret',
	'ServiceAccount',
	'ServiceCIDR',
	'StorageClass',
	'ValidatingAdmissionPolicy',
	'ValidatingAdmissionPolicyBinding',
	'ValidatingWebhookConfiguration',
	'VolumeAttachment',
]);

/** Files that are YAML but not manifests; documents without apiVersion and kind in them are skipped silently. */
const nonManifestFiles = /(^|[\\/])(kustomization|Chart|values[^\\/]*|\.gitlab-ci|docker-compose[^\\/]*)\.ya?ml$/;

/** Subtrees whose strings may legitimately contain `{{ }}` (Go templates in args, env, annotations, data). */
const templateFriendlyKeys = new Set([
	'annotations',
	'env',
	'envFrom',
	'args',
	'command',
	'data',
	'stringData',
	'lifecycle',
	'livenessProbe',
	'readinessProbe',
	'startupProbe',
	'volumes',
]);

const helmMessage =
	'Helm/Go template syntax ({{ … }}): Endpoint Lens reads rendered manifests. Run `helm template` (or `helm install --dry-run`) and preview its output instead.';

/** Converts offsets to LSP positions for one file. */
class Positions {
	constructor(
		private readonly text: string,
		private readonly lines: LineCounter,
	) {}

	pos(offset: number): SourcePosition {
		const lp = this.lines.linePos(offset);
		return { line: lp.line - 1, character: lp.col - 1 };
	}

	/** The range [start, end) with trailing whitespace (and newlines) removed. */
	range(start: number, end: number): SourceRange {
		let e = Math.max(start, end);
		while (e > start && /\s/.test(this.text[e - 1]!)) {
			e--;
		}
		return { start: this.pos(start), end: this.pos(e) };
	}
}

interface NodeIndex {
	/** Path → [start of key or item, end of value]. */
	pairs: Map<string, [number, number]>;
	/** Path → [start, end] of the value only. */
	values: Map<string, [number, number]>;
	/** Offset of the first flow map that begins with `{{` (an unquoted Helm expression), if any. */
	helmOffset?: number;
}

function nodeRange(n: unknown): [number, number] | undefined {
	const r = (n as { range?: [number, number, number] | null } | null)?.range;
	return r ? [r[0], r[1]] : undefined;
}

/** Walks a YAML node, recording the ranges of every key and item under `prefix`. */
function indexNode(node: unknown, text: string, prefix: PathSegment[], index: NodeIndex, depthLimit: number): void {
	if (isMap(node)) {
		const r = nodeRange(node);
		if (node.flow && r && text.startsWith('{{', r[0]) && index.helmOffset === undefined) {
			index.helmOffset = r[0];
		}
		for (const pair of node.items) {
			if (!isScalar(pair.key)) {
				continue;
			}
			const key = String(pair.key.value);
			if (key === '<<') {
				continue;
			}
			const path = [...prefix, key];
			const p = formatPath(path);
			const kr = nodeRange(pair.key);
			const vr = nodeRange(pair.value);
			if (kr) {
				index.pairs.set(p, [kr[0], Math.max(kr[1], vr?.[1] ?? kr[1])]);
			}
			if (vr) {
				index.values.set(p, vr);
			}
			if (depthLimit > 1 && !isAlias(pair.value)) {
				indexNode(pair.value, text, path, index, depthLimit - 1);
			}
		}
	} else if (isSeq(node)) {
		for (const [i, item] of node.items.entries()) {
			const path = [...prefix, i];
			const r = nodeRange(item);
			if (r) {
				const p = formatPath(path);
				index.pairs.set(p, r);
				index.values.set(p, r);
			}
			if (depthLimit > 1 && !isAlias(item)) {
				indexNode(item, text, path, index, depthLimit - 1);
			}
		}
	}
}

/**
 * Finds the first `{{` on a line that is not a comment, within [start, end), for one file's text. Documents are
 * visited in file order, so the result of one forward search serves every document up to the next `{{`: a file of
 * 100,000 documents without templates is scanned once, not once per document.
 */
function templateFinder(text: string): (start: number, end: number) => number | undefined {
	const lastClose = text.lastIndexOf('}}');
	// The first `{{` at or after `from` is `found` (-1: none).
	let from = -1;
	let found = -1;
	const nextOpen = (at: number): number => {
		if (from < 0 || at < from || (found >= 0 && at > found)) {
			from = at;
			found = text.indexOf('{{', at);
		}
		return found;
	};
	return (start, end) => {
		let i = nextOpen(start);
		while (i >= 0 && i < end) {
			const lineStart = text.lastIndexOf('\n', i - 1) + 1;
			const before = text.slice(lineStart, i);
			if (!before.includes('#') && lastClose > i) {
				return i;
			}
			i = nextOpen(i + 2);
		}
		return undefined;
	};
}

/** Characters YAML does not allow in a stream (C0 and C1 controls but tab, newlines and NEL; U+FFFE, U+FFFF). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const disallowedChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]/g;

/** The 0-based line of an offset (for the one diagnostic of a file that is not parsed). */
function lineOf(text: string, offset: number): number {
	let line = 0;
	for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
		line++;
	}
	return line;
}

function codePoint(ch: string): string {
	return `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A string leaf with `{{ … }}` outside template-friendly subtrees: the object came from an unrendered template. */
function findTemplatedString(v: unknown, path: PathSegment[]): PathSegment[] | undefined {
	if (typeof v === 'string') {
		return /\{\{.*\}\}/s.test(v) ? path : undefined;
	}
	if (Array.isArray(v)) {
		for (const [i, item] of v.entries()) {
			const hit = findTemplatedString(item, [...path, i]);
			if (hit) {
				return hit;
			}
		}
		return undefined;
	}
	if (isPlainObject(v)) {
		for (const [k, item] of Object.entries(v)) {
			if (templateFriendlyKeys.has(k)) {
				continue;
			}
			const hit = findTemplatedString(item, [...path, k]);
			if (hit) {
				return hit;
			}
		}
	}
	return undefined;
}

function yamlOptions(file: string): DocumentOptions & SchemaOptions {
	if (/\.json$/i.test(file)) {
		return { version: '1.2' };
	}
	return {
		version: '1.1',
		// go-yaml v2 leaves timestamp-looking and sexagesimal scalars as strings when decoding into interface{}.
		customTags: (tags: Tags): Tags =>
			tags.filter(
				(t) => typeof t !== 'object' || !(t.format === 'TIME' || t.tag === 'tag:yaml.org,2002:timestamp'),
			),
	};
}

/** Parses one file's text. Never throws: every problem is a diagnostic, and every other document still parses. */
export function parseManifests(text: string, file: string, options: ParseOptions = {}): ManifestParseResult {
	const manifests: ParsedManifest[] = [];
	const diagnostics: ManifestDiagnostic[] = [];
	const lineCounter = new LineCounter();
	const positions = new Positions(text, lineCounter);
	const defaultNamespace = options.defaultNamespace || 'default';
	const findTemplateSyntax = templateFinder(text);

	const push = (
		severity: ManifestDiagnostic['severity'],
		code: ManifestDiagnosticCode,
		message: string,
		docIndex: number,
		at: number | SourceRange,
		extra: Partial<ManifestDiagnostic> = {},
	): void => {
		const range = typeof at === 'number' ? positions.range(at, at) : at;
		diagnostics.push({
			severity,
			code,
			message,
			file,
			line: range.start.line + 1,
			column: range.start.character + 1,
			docIndex,
			range,
			...extra,
		});
	};

	const binary = binaryContent(text);
	if (binary) {
		push(
			'error',
			'binary-file',
			`binary file, not YAML (${binary.reason}${binary.reason === 'a NUL byte' ? ` on line ${lineOf(text, binary.offset) + 1}` : ''}): Endpoint Lens reads text manifests only`,
			0,
			{ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
		);
		return { manifests, diagnostics };
	}

	// Documents are composed one at a time and dropped once read: a file of 100,000 documents never holds all their
	// syntax trees at once (`parseAllDocuments` would). The line counter has seen every line of a document by the
	// time the composer hands it over.
	let docIndex = 0;
	try {
		const parser = new Parser(lineCounter.addNewLine);
		const composer = new Composer({
			prettyErrors: false,
			logLevel: 'silent',
			stringKeys: true,
			uniqueKeys: true,
			merge: true,
			...yamlOptions(file),
		});
		for (const doc of composer.compose(parser.parse(text))) {
			readDocument(doc, docIndex++);
		}
	} catch (e) {
		push('error', 'yaml-syntax', `could not parse the file: ${e instanceof Error ? e.message : String(e)}`, docIndex, 0);
	}
	checkCharacters();
	return { manifests, diagnostics };

	/**
	 * Control characters (kubectl rejects the file: "control characters are not allowed") and replacement characters
	 * (U+FFFD: what bytes that are not UTF-8 became when the file was decoded), at most three of each, each where it
	 * is; the file is still read.
	 */
	function readDocument(doc: Document.Parsed, index: number): void {
		try {
			handleDocument(doc, index);
		} catch (e) {
			// A safety net: nothing above should throw, but one odd document must not cost the others.
			push(
				'error',
				'yaml-syntax',
				`could not read this document: ${e instanceof Error ? e.message : String(e)}`,
				index,
				doc.range[0],
			);
		}
	}

	function checkCharacters(): void {
		let controls = 0;
		for (const m of text.matchAll(disallowedChar)) {
			if (++controls > 3) {
				break;
			}
			push(
				'error',
				'control-character',
				`control character ${codePoint(m[0])} is not allowed in YAML (kubectl rejects the file): remove it`,
				0,
				m.index,
			);
		}
		let replaced = 0;
		for (let i = text.indexOf('\uFFFD'); i >= 0 && replaced < 3; i = text.indexOf('\uFFFD', i + 1)) {
			replaced++;
			push(
				'warning',
				'not-utf8',
				'a replacement character (U+FFFD): this part of the file was probably not UTF-8 when it was read; kubectl reads UTF-8 only, so save the file as UTF-8',
				0,
				i,
			);
		}
	}

	function handleDocument(doc: Document.Parsed, docIndex: number): void {
		const [docStart, , docEnd] = doc.range;
		const contentStart = nodeRange(doc.contents)?.[0] ?? docStart;
		const templateAt = findTemplateSyntax(docStart, docEnd);
		if (doc.errors.length > 0) {
			if (templateAt !== undefined) {
				push('error', 'helm-template', helmMessage, docIndex, templateAt);
				return;
			}
			for (const err of doc.errors.slice(0, 3)) {
				const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
				push('error', 'yaml-syntax', `YAML syntax error: ${msg}`, docIndex, err.pos[0]);
			}
			return;
		}
		for (const w of doc.warnings.slice(0, 3)) {
			push('warning', 'yaml-syntax', `YAML: ${w.message.split('\n')[0]}`, docIndex, w.pos[0]);
		}
		const contents = doc.contents as YamlNode | null;
		if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === undefined))) {
			return; // an empty document (a stray `---`, or only comments)
		}
		let value: unknown;
		try {
			value = doc.toJS({ maxAliasCount: 1000 });
		} catch (e) {
			push('error', 'yaml-syntax', `YAML: ${e instanceof Error ? e.message : String(e)}`, docIndex, contentStart);
			return;
		}
		if (!isPlainObject(value)) {
			if (templateAt !== undefined) {
				push('error', 'helm-template', helmMessage, docIndex, templateAt);
				return;
			}
			push(
				'error',
				'not-an-object',
				`this document is ${describeValue(value)}, not a Kubernetes object (a map with apiVersion, kind and metadata)`,
				docIndex,
				contentStart,
			);
			return;
		}
		handleObject(value, contents, docIndex, undefined, undefined);
	}

	function handleObject(
		value: Record<string, unknown>,
		node: YamlNode,
		docIndex: number,
		itemIndex: number | undefined,
		inherited: { apiVersion: string; kind: string } | undefined,
	): void {
		const [start, end] = nodeRange(node) ?? [0, 0];
		const objRange = positions.range(start, end);
		const where = itemIndex !== undefined ? ` (items[${itemIndex}])` : '';

		const rawApiVersion = value['apiVersion'] ?? inherited?.apiVersion;
		const rawKind = value['kind'] ?? inherited?.kind;
		if (rawApiVersion === undefined && rawKind === undefined) {
			if (nonManifestFiles.test(file)) {
				return;
			}
			push(
				'warning',
				'not-a-manifest',
				`not a Kubernetes object${where}: apiVersion and kind are missing; ignored`,
				docIndex,
				objRange,
			);
			return;
		}
		const index: NodeIndex = { pairs: new Map(), values: new Map() };
		const locate = (path: PathSegment[]): SourceRange => {
			for (let n = path.length; n > 0; n--) {
				const r = index.pairs.get(formatPath(path.slice(0, n)));
				if (r) {
					return positions.range(r[0], r[1]);
				}
			}
			return positions.range(start, start);
		};
		// metadata, apiVersion and kind first: enough to name the object in messages.
		indexNode(node, text, [], index, 3);
		for (const key of ['apiVersion', 'kind'] as const) {
			const v = key === 'apiVersion' ? rawApiVersion : rawKind;
			if (v === undefined || v === null || v === '') {
				push(
					'error',
					'missing-field',
					`${key} is missing${where}: every Kubernetes object needs apiVersion and kind`,
					docIndex,
					objRange,
					{ path: key },
				);
				return;
			}
			if (typeof v !== 'string') {
				push(
					'error',
					'wrong-type',
					`${key} must be a string, got ${describeValue(v)}`,
					docIndex,
					locate([key]),
					{ path: key },
				);
				return;
			}
		}
		const apiVersion = rawApiVersion as string;
		const kind = rawKind as string;

		// Lists: kubectl's `kind: List` and typed lists (`ServiceList`) from `kubectl get -o yaml`.
		if (inherited === undefined && kind.endsWith('List') && 'items' in value) {
			const items = value['items'];
			if (!Array.isArray(items)) {
				push(
					'error',
					'wrong-type',
					`items must be a list, got ${describeValue(items)}`,
					docIndex,
					locate(['items']),
					{ path: 'items', kind },
				);
				return;
			}
			const itemsNode = isMap(node) ? node.get('items', true) : undefined;
			const itemDefaults = kind === 'List' ? undefined : { apiVersion, kind: kind.slice(0, -'List'.length) };
			for (const [i, item] of items.entries()) {
				const itemNode = isSeq(itemsNode) ? (itemsNode.items[i] as YamlNode | undefined) : undefined;
				if (!isPlainObject(item) || !itemNode) {
					push(
						'error',
						'not-an-object',
						`items[${i}] is ${describeValue(item)}, not a Kubernetes object`,
						docIndex,
						locate(['items', i]),
						{ path: `items[${i}]` },
					);
					continue;
				}
				handleObject(item, itemNode, docIndex, i, itemDefaults ?? { apiVersion: '', kind: '' });
			}
			return;
		}

		const meta = isPlainObject(value['metadata']) ? value['metadata'] : {};
		const namespaced = isNamespacedKind(kind);
		const rawNamespace =
			typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : undefined;
		const namespace = namespaced ? (rawNamespace ?? defaultNamespace) : undefined;
		const rawName = typeof meta['name'] === 'string' ? meta['name'] : '';
		const genName = typeof meta['generateName'] === 'string' ? meta['generateName'] : '';
		const name = rawName || (genName ? generateName(genName, `${kind}/${namespace ?? ''}/${genName}`) : '');
		const ident = { kind, ...(name ? { name } : {}) };

		const supportedVersion = Object.prototype.hasOwnProperty.call(supportedKinds, kind)
			? supportedKinds[kind]
			: undefined;
		let supported = false;
		if (supportedVersion !== undefined) {
			if (apiVersion !== supportedVersion) {
				const removedIn = removedVersions[apiVersion];
				const why = removedIn
					? `${apiVersion} is no longer served (removed in ${removedIn})`
					: `${kind} is not served by ${apiVersion}`;
				push(
					'error',
					'unsupported-version',
					`${why}: use apiVersion: ${supportedVersion}`,
					docIndex,
					locate(['apiVersion']),
					{ path: 'apiVersion', ...ident },
				);
				return;
			}
			supported = true;
		} else if (!ignoredKinds.has(kind)) {
			const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
			if (group.includes('.')) {
				push(
					'info',
					'custom-resource',
					`${kind} (${apiVersion}) is a custom resource: Endpoint Lens does not read it`,
					docIndex,
					locate(['kind']),
					{ path: 'kind', ...ident },
				);
			} else {
				push(
					'warning',
					'unknown-kind',
					`unknown kind ${JSON.stringify(kind)} for apiVersion ${JSON.stringify(apiVersion)}: ignored`,
					docIndex,
					locate(['kind']),
					{ path: 'kind', ...ident },
				);
			}
		}

		if (supported) {
			index.pairs.clear();
			index.values.clear();
			indexNode(node, text, [], index, 64);
			// Unrendered templates first: they explain every other error in the document.
			const templated = findTemplatedString(value, []);
			if (index.helmOffset !== undefined || templated) {
				const offset = index.helmOffset ?? index.pairs.get(formatPath(templated!))?.[0] ?? start;
				push('error', 'helm-template', helmMessage, docIndex, offset, ident);
				return;
			}
			const issues = validateManifestObject(value, kind, {
				text: (path) => {
					const r = index.values.get(formatPath(path));
					return r ? text.slice(r[0], r[1]).trim() : undefined;
				},
			});
			let rejected = false;
			for (const issue of issues) {
				rejected ||= issue.severity === 'error';
				push(issue.severity, issue.code, issue.message, docIndex, locate(issue.path), {
					path: formatPath(issue.path),
					...ident,
				});
			}
			if (rejected) {
				return;
			}
		} else if (!name) {
			// Unsupported kinds are not validated, but a nameless object is still not an object.
			push(
				'error',
				'missing-field',
				`metadata.name is required: every ${kind} needs a name`,
				docIndex,
				locate(['metadata']),
				{ path: 'metadata.name', kind },
			);
			return;
		}

		const keyRanges: Record<string, SourceRange> = Object.create(null) as Record<string, SourceRange>;
		for (const [p, r] of index.pairs) {
			keyRanges[p] = positions.range(r[0], r[1]);
		}
		const object = { ...value, apiVersion, kind } as RawObject;
		manifests.push({
			object,
			kind,
			apiVersion,
			namespace,
			name,
			file,
			docIndex,
			...(itemIndex !== undefined ? { itemIndex } : {}),
			range: objRange,
			keyRanges,
			supported,
		});
	}
}

/** Parses several files; the results are concatenated in order. */
export function parseManifestFiles(
	files: readonly { path: string; text: string }[],
	options: ParseOptions = {},
): ManifestParseResult {
	const manifests: ParsedManifest[] = [];
	const diagnostics: ManifestDiagnostic[] = [];
	for (const f of files) {
		const r = parseManifests(f.text, f.path, options);
		// Loops, not push(...r.manifests): a file of 200,000 documents would overflow the call stack.
		for (const m of r.manifests) {
			manifests.push(m);
		}
		for (const d of r.diagnostics) {
			diagnostics.push(d);
		}
	}
	return { manifests, diagnostics };
}

/** The manifest whose range contains the 0-based position (List items are manifests of their own). */
export function manifestAt(
	manifests: readonly ParsedManifest[],
	file: string,
	position: SourcePosition,
): ParsedManifest | undefined {
	const before = (a: SourcePosition, b: SourcePosition) =>
		a.line < b.line || (a.line === b.line && a.character <= b.character);
	return manifests.find((m) => m.file === file && before(m.range.start, position) && before(position, m.range.end));
}

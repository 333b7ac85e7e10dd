import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	everythingSelector,
	labelSelectorAsSelector,
	labelSelectorMatches,
	nothingSelector,
	parseSelectorString,
	selectorFromSet,
	selectorMatches,
	selectorMatchesLabels,
	selectorToString,
	serviceSelects,
	validateLabelKey,
	validateLabelValue,
} from '../../src/core/k8s/selector';
import type { SelectorResult } from '../../src/core/k8s/selector';
import type { LabelSelector, Pod, Service } from '../../src/core/k8s/types';

function ok(r: SelectorResult) {
	assert.ok(r.ok, `expected ok, got ${JSON.stringify(r)}`);
	return r.selector;
}

describe('Service map selectors (nil selects nothing, {} selects everything)', () => {
	it('a nil selector matches nothing, not even an empty label set', () => {
		assert.equal(selectorMatches(undefined, { app: 'web' }), false);
		assert.equal(selectorMatches(null, {}), false);
	});
	it('an empty selector matches every label set, including none', () => {
		assert.equal(selectorMatches({}, { app: 'web' }), true);
		assert.equal(selectorMatches({}, undefined), true);
	});
	it('every key must be present with exactly that value', () => {
		assert.equal(selectorMatches({ app: 'web', tier: 'fe' }, { app: 'web', tier: 'fe', extra: 'x' }), true);
		assert.equal(selectorMatches({ app: 'web', tier: 'fe' }, { app: 'web' }), false);
		assert.equal(selectorMatches({ app: 'web' }, { app: 'Web' }), false);
	});
	it('an empty value needs the label present and empty', () => {
		assert.equal(selectorMatches({ canary: '' }, { canary: '' }), true);
		assert.equal(selectorMatches({ canary: '' }, {}), false);
	});
	it('inherited object properties are not labels', () => {
		assert.equal(selectorMatches({ toString: 'x' }, {}), false);
	});
	it('serviceSelects also requires the same namespace (absent = default)', () => {
		const svc: Service = { metadata: { name: 'web' }, spec: { selector: { app: 'web' } } };
		const pod = (namespace: string | undefined, labels: Record<string, string>): Pod => ({
			metadata: { name: 'p', ...(namespace ? { namespace } : {}), labels },
		});
		assert.equal(serviceSelects(svc, pod('default', { app: 'web' })), true);
		assert.equal(serviceSelects(svc, pod(undefined, { app: 'web' })), true);
		assert.equal(serviceSelects(svc, pod('prod', { app: 'web' })), false);
		assert.equal(serviceSelects({ metadata: { name: 'x' }, spec: {} }, pod('default', {})), false);
		assert.equal(serviceSelects({ metadata: { name: 'x' }, spec: { selector: {} } }, pod('default', {})), true);
	});
	it('selectorFromSet builds sorted Equals requirements', () => {
		const s = selectorFromSet({ tier: 'fe', app: 'web' });
		assert.equal(selectorToString(s), 'app=web,tier=fe');
		assert.equal(selectorMatchesLabels(s, { app: 'web', tier: 'fe' }), true);
		assert.equal(selectorMatchesLabels(selectorFromSet({}), {}), true);
	});
});

describe('metav1.LabelSelectorAsSelector', () => {
	it('nil is Nothing, {} is Everything', () => {
		assert.equal(ok(labelSelectorAsSelector(undefined)), nothingSelector);
		assert.equal(ok(labelSelectorAsSelector(null)), nothingSelector);
		assert.equal(ok(labelSelectorAsSelector({})), everythingSelector);
		assert.equal(ok(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] })), everythingSelector);
		assert.equal(labelSelectorMatches(undefined, { a: 'b' }), false);
		assert.equal(labelSelectorMatches({}, { a: 'b' }), true);
		assert.equal(selectorToString(nothingSelector), '<none>');
	});

	// Cases in the spirit of apimachinery's TestLabelSelectorAsSelector and TestRequirementMatches.
	const cases: { name: string; ls: LabelSelector; labels: Record<string, string>; want: boolean }[] = [
		{ name: 'matchLabels hit', ls: { matchLabels: { foo: 'bar' } }, labels: { foo: 'bar', x: 'y' }, want: true },
		{ name: 'matchLabels miss', ls: { matchLabels: { foo: 'bar' } }, labels: { foo: 'baz' }, want: false },
		{
			name: 'In hit',
			ls: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] },
			labels: { env: 'staging' },
			want: true,
		},
		{
			name: 'In needs the key',
			ls: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
			labels: {},
			want: false,
		},
		{
			name: 'NotIn matches a missing key',
			ls: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
			labels: {},
			want: true,
		},
		{
			name: 'NotIn miss',
			ls: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
			labels: { env: 'prod' },
			want: false,
		},
		{
			name: 'Exists',
			ls: { matchExpressions: [{ key: 'canary', operator: 'Exists' }] },
			labels: { canary: '' },
			want: true,
		},
		{
			name: 'Exists miss',
			ls: { matchExpressions: [{ key: 'canary', operator: 'Exists' }] },
			labels: { other: '' },
			want: false,
		},
		{
			name: 'DoesNotExist',
			ls: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
			labels: { app: 'x' },
			want: true,
		},
		{
			name: 'DoesNotExist miss',
			ls: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
			labels: { canary: 'true' },
			want: false,
		},
		{
			name: 'requirements are ANDed',
			ls: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] },
			labels: { app: 'web', tier: 'be' },
			want: false,
		},
	];
	for (const c of cases) {
		it(c.name, () => assert.equal(labelSelectorMatches(c.ls, c.labels), c.want));
	}

	it('an unknown operator is an error, as upstream words it', () => {
		const r = labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] });
		assert.deepEqual(r, { ok: false, errors: ['"Gt" is not a valid label selector operator'] });
		assert.equal(
			labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, { a: '2' }),
			false,
		);
	});
	it('In/NotIn need values; Exists/DoesNotExist take none', () => {
		const r1 = labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] });
		assert.equal(r1.ok, false);
		assert.match(r1.ok ? '' : r1.errors[0]!, /values set can't be empty/);
		const r2 = labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] });
		assert.equal(r2.ok, false);
		assert.match(r2.ok ? '' : r2.errors[0]!, /values set must be empty for exists and does not exist/);
	});
	it('invalid keys and values are errors, all of them collected', () => {
		const r = labelSelectorAsSelector({ matchLabels: { 'bad key': 'x', good: 'not ok!' } });
		assert.equal(r.ok, false);
		assert.equal(r.ok ? 0 : r.errors.length, 2);
	});
	it('values are de-duplicated and sorted, requirements sorted by key', () => {
		const s = ok(
			labelSelectorAsSelector({
				matchLabels: { z: '1' },
				matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['y', 'x', 'y'] }],
			}),
		);
		assert.equal(selectorToString(s), 'a notin (x,y),z=1');
	});
});

describe('label key and value validation', () => {
	it('accepts prefixed keys and rejects bad ones', () => {
		assert.deepEqual(validateLabelKey('app.kubernetes.io/name'), []);
		assert.deepEqual(validateLabelKey('a'), []);
		assert.notDeepEqual(validateLabelKey('/name'), []);
		assert.notDeepEqual(validateLabelKey('Example.com/name'), []);
		assert.notDeepEqual(validateLabelKey('a/b/c'), []);
		assert.notDeepEqual(validateLabelKey('-name'), []);
		assert.notDeepEqual(validateLabelKey('x'.repeat(64)), []);
	});
	it('accepts empty and 63-character values, rejects the rest', () => {
		assert.deepEqual(validateLabelValue(''), []);
		assert.deepEqual(validateLabelValue('v1.2_3-x'), []);
		assert.deepEqual(validateLabelValue('a'.repeat(63)), []);
		assert.notDeepEqual(validateLabelValue('a'.repeat(64)), []);
		assert.notDeepEqual(validateLabelValue('has space'), []);
		assert.notDeepEqual(validateLabelValue('-lead'), []);
	});
});

describe('parseSelectorString (labels.Parse grammar)', () => {
	const valid: [string, string][] = [
		['', ''],
		['x=a,y=b,z=c', 'x=a,y=b,z=c'],
		['x!=a,y=b', 'x!=a,y=b'],
		['x=,z= ', 'x=,z='],
		['x= ,z= ', 'x=,z='],
		['!x', '!x'],
		['x>1', 'x>1'],
		['x>1,z<5', 'x>1,z<5'],
		['x in (a,b)', 'x in (a,b)'],
		['x notin ( b , a )', 'x notin (a,b)'],
		['x==a', 'x==a'],
		['  app = web , tier ', 'app=web,tier'],
		['x in ()', 'x in ()'],
		['x in (,a)', 'x in (,a)'],
	];
	for (const [input, printed] of valid) {
		it(`parses ${JSON.stringify(input)}`, () =>
			assert.equal(selectorToString(ok(parseSelectorString(input))), printed));
	}
	const invalid = [
		'x=a||y=b',
		'x==a==b',
		'!x=a',
		'x<a',
		'x in (a',
		'x in a',
		'a,',
		',a',
		'x=(a)',
		'=a',
		'bad key=x',
		'x in (a b)',
	];
	for (const input of invalid) {
		it(`rejects ${JSON.stringify(input)} with an error value`, () => {
			const r = parseSelectorString(input);
			assert.equal(r.ok, false);
			assert.ok(!r.ok && r.errors.length > 0 && r.errors.every((e) => e.length > 0));
		});
	}
	it('reports the column of a syntax error', () => {
		const r = parseSelectorString('app=web,tier in (a');
		assert.equal(r.ok, false);
		assert.match(r.ok ? '' : r.errors[0]!, /end of string/);
		const r2 = parseSelectorString('app=web )');
		assert.match(r2.ok ? '' : r2.errors[0]!, /column 9/);
	});
	it('matches like the upstream selector tests', () => {
		const m = (sel: string, labels: Record<string, string>) =>
			selectorMatchesLabels(ok(parseSelectorString(sel)), labels);
		assert.equal(m('', { x: 'y' }), true);
		assert.equal(m('x=y', { x: 'y' }), true);
		assert.equal(m('x=y,z=w', { x: 'y', z: 'w' }), true);
		assert.equal(m('x!=y,z!=w', { x: 'z', z: 'a' }), true);
		assert.equal(m('notin=in', { notin: 'in' }), true);
		assert.equal(m('x', { x: 'z' }), true);
		assert.equal(m('!x', { y: 'z' }), true);
		assert.equal(m('x>1', { x: '2' }), true);
		assert.equal(m('x<1', { x: '0' }), true);
		assert.equal(m('x=z', {}), false);
		assert.equal(m('x=y', { x: 'z' }), false);
		assert.equal(m('x=y,z=w', { x: 'w', z: 'w' }), false);
		assert.equal(m('x!=y,z!=w', { x: 'z', z: 'w' }), false);
		assert.equal(m('x', { y: 'z' }), false);
		assert.equal(m('!x', { x: 'z' }), false);
		assert.equal(m('x>1', { x: '0' }), false);
		assert.equal(m('x<1', { x: '2' }), false);
		assert.equal(m('x>1', { x: 'abc' }), false);
		assert.equal(m('x in (a,b)', { x: 'b' }), true);
		assert.equal(m('x in ()', { x: '' }), true);
	});
});

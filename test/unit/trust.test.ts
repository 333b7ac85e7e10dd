/**
 * Workspace trust and the settings that pick the kubeconfig: an untrusted workspace cannot choose it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settingForTrust } from '../../src/extension/trust';

describe('settingForTrust', () => {
	const all = { globalValue: '/home/me/.kube/config', workspaceValue: './evil-kubeconfig', workspaceFolderValue: './folder-kubeconfig' };

	it('trusted: the most specific value wins (folder, then workspace, then user)', () => {
		assert.equal(settingForTrust(all, true), './folder-kubeconfig');
		assert.equal(settingForTrust({ globalValue: 'g', workspaceValue: 'w' }, true), 'w');
		assert.equal(settingForTrust({ globalValue: 'g' }, true), 'g');
	});

	it('untrusted: only the user setting counts, whatever the workspace or a folder sets', () => {
		assert.equal(settingForTrust(all, false), '/home/me/.kube/config');
		assert.equal(settingForTrust({ workspaceValue: './evil-kubeconfig' }, false), undefined);
		assert.equal(settingForTrust({ workspaceFolderValue: './evil' }, false), undefined);
	});

	it('the vs-kubernetes object: a workspace cannot slip its kubeconfig path in', () => {
		const inspected = {
			globalValue: { 'vs-kubernetes.kubeconfig': '/home/me/.kube/config' },
			workspaceValue: { 'vs-kubernetes.kubeconfig': '/tmp/exec-plugin-kubeconfig' },
		};
		assert.equal(settingForTrust(inspected, false)?.['vs-kubernetes.kubeconfig'], '/home/me/.kube/config');
		assert.equal(settingForTrust(inspected, true)?.['vs-kubernetes.kubeconfig'], '/tmp/exec-plugin-kubeconfig');
	});

	it('nothing set: undefined', () => {
		assert.equal(settingForTrust(undefined, true), undefined);
		assert.equal(settingForTrust({}, false), undefined);
	});
});

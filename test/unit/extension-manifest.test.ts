import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { COMMAND_CATEGORY, COMMAND_IDS, COMMANDS, FOLDER_WHEN, PREDICTION_EXTENSIONS, PREDICTION_FILE_RE, paletteLabel } from '../../src/shared/commands';
import { ACTIVATION_EVENTS, manifestContributes } from '../../src/extension/manifest';
import { CONFIG_KEYS, DEFAULT_CONFIG, SETTINGS } from '../../src/extension/settings';

// package.json is written from the tables with:
//   npx tsx -e "const fs=require('fs');const m=require('./src/extension/manifest.ts');const p=JSON.parse(fs.readFileSync('package.json','utf8'));p.contributes=m.manifestContributes();p.activationEvents=m.ACTIVATION_EVENTS;fs.writeFileSync('package.json',JSON.stringify(p,null,2)+'\n')"
interface Menu {
  command: string;
  when: string;
  group: string;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  main: string;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, Menu[]>;
    configuration: { title: string; properties: Record<string, { default: unknown; markdownDescription: string }> };
  };
};

/** The regex inside a `resourceFilename =~ /.../i` clause, as VS Code evaluates it. */
function whenRegex(when: string): RegExp {
  const m = /^resourceFilename =~ \/(.+)\/([a-z]*)$/.exec(when);
  assert.ok(m, `unexpected when clause: ${when}`);
  return new RegExp(m[1] as string, m[2]);
}

describe('extension manifest', () => {
  it('contributes exactly the commands of the table, with their titles and category', () => {
    assert.deepEqual(pkg.contributes.commands.map((c) => c.command), COMMAND_IDS);
    for (const c of pkg.contributes.commands) {
      assert.equal(c.title, COMMANDS[c.command as keyof typeof COMMANDS].title);
      assert.equal(c.category, COMMAND_CATEGORY);
    }
    assert.deepEqual(pkg.contributes, { ...pkg.contributes, ...manifestContributes() });
    assert.equal(paletteLabel('lossLens.openDashboard'), 'Loss Lens: Open Dashboard');
  });

  it('registers a handler for every command id in the command table', () => {
    // commands/index.ts imports vscode, so it cannot load here: read its table instead.
    const source = readFileSync('src/extension/commands/index.ts', 'utf8');
    const table = /COMMAND_HANDLERS: Record<CommandId, CommandFactory> = \{([^}]*)\}/.exec(source)?.[1] ?? '';
    const ids = [...table.matchAll(/'([\w.]+)':/g)].map((m) => m[1]);
    assert.deepEqual(ids.sort(), [...COMMAND_IDS].sort());
  });

  it('shows the menus on every prediction file extension, gzipped or not, and on nothing else', () => {
    const menus = [...(pkg.contributes.menus['explorer/context'] ?? []), ...(pkg.contributes.menus['editor/title'] ?? [])];
    assert.ok(menus.some((m) => m.command === 'lossLens.openDashboard' && m.group === 'navigation'));
    assert.ok(pkg.contributes.menus['explorer/context']?.some((m) => m.command === 'lossLens.openDashboard'));
    for (const m of menus) {
      assert.ok(COMMAND_IDS.includes(m.command as never), m.command);
      const re = whenRegex(m.when.replace(` || ${FOLDER_WHEN}`, ''));
      for (const ext of ['csv', 'tsv', 'json', 'jsonl', 'ndjson']) {
        assert.ok(m.when.includes(ext), `${m.command}: ${ext} missing from ${m.when}`);
        for (const name of [`preds.${ext}`, `epoch_3.${ext}.gz`, `UP.${ext.toUpperCase()}`, `UP.${ext.toUpperCase()}.GZ`]) {
          assert.ok(re.test(name), `${m.command} not on ${name}`);
        }
      }
      for (const name of ['notes.txt', 'a.csv.bak', 'archive.gz', 'csv', 'a.jsonld', 'model.pt']) assert.ok(!re.test(name), `${m.command} on ${name}`);
    }
    assert.deepEqual([...PREDICTION_EXTENSIONS], ['csv', 'tsv', 'json', 'jsonl', 'ndjson']);
    // A folder's files read as one data set: only the commands that read one on a folder.
    const onFolders = (pkg.contributes.menus['explorer/context'] ?? []).filter((m) => m.when.endsWith(` || ${FOLDER_WHEN}`)).map((m) => m.command);
    assert.deepEqual(onFolders, ['lossLens.openDashboard', 'lossLens.computeLoss', 'lossLens.openRun']);
    assert.ok((pkg.contributes.menus['editor/title'] ?? []).every((m) => !m.when.includes(FOLDER_WHEN)));
    assert.ok(PREDICTION_FILE_RE.test('/x/y/val.jsonl.gz') && !PREDICTION_FILE_RE.test('/x/y/val.txt'));
  });

  it('activates on a restored dashboard (commands are inferred) and loads dist/extension.js', () => {
    // Other features may add their own events (e.g. onStartupFinished for the editor features).
    for (const e of ACTIVATION_EVENTS) assert.ok(pkg.activationEvents.includes(e), e);
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:lossLens.dashboard'));
    assert.deepEqual(pkg.activationEvents.filter((e) => e.startsWith('onCommand:')), [], 'VS Code infers command activation');
    assert.equal(pkg.main, './dist/extension.js');
  });

  it('declares every setting with the default the configuration module falls back to', () => {
    const { title, properties } = pkg.contributes.configuration;
    assert.equal(title, 'Loss Lens');
    assert.deepEqual(Object.keys(properties), CONFIG_KEYS.map((k) => `lossLens.${k}`));
    for (const key of CONFIG_KEYS) {
      const p = properties[`lossLens.${key}`];
      assert.ok(p);
      assert.deepEqual(p.default, DEFAULT_CONFIG[key], key);
      assert.deepEqual(p, { ...SETTINGS[key] });
      assert.ok(p.markdownDescription.length > 20, key);
    }
  });

  it('ships the file worker the extension starts', () => {
    const ignore = readFileSync('.vscodeignore', 'utf8').split('\n');
    assert.ok(ignore.includes('!dist/file-worker.js'));
    assert.match(readFileSync('scripts/build.mjs', 'utf8'), /src\/node\/file-worker\.ts/);
  });
});

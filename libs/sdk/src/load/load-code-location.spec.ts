import * as path from 'node:path';
import { CodeLocationLoadError, loadCodeLocation } from '@freshet/sdk';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

function loadError(modulePath: string): CodeLocationLoadError {
  try {
    loadCodeLocation(modulePath);
  } catch (error) {
    if (error instanceof CodeLocationLoadError) return error;
    throw error;
  }
  throw new Error(`expected ${modulePath} not to load`);
}

describe('loadCodeLocation', () => {
  it('loads the default export, or a `codeLocation` export, with or without the extension', () => {
    expect(loadCodeLocation(fixture('default-export.ts')).name).toBe('fixture_default');
    expect(loadCodeLocation(fixture('named-export')).name).toBe('fixture_named');
  });

  it('says when the file is missing', () => {
    const error = loadError(fixture('not-there.ts'));
    expect(error.code).toBe('moduleNotFound');
    expect(error.message).toContain('not-there.ts');
  });

  it('says when the module exports no code location, listing what it does export', () => {
    const error = loadError(fixture('no-location.ts'));
    expect(error.code).toBe('noCodeLocationExport');
    expect(error.message).toContain('helper, somethingElse');
  });

  it('says when the definitions are invalid, with the definition error', () => {
    const error = loadError(fixture('invalid-definitions.ts'));
    expect(error.code).toBe('invalidDefinitions');
    expect(error.message).toContain('orphan depends on nowhere');
  });

  it('says when the module throws while loading', () => {
    const error = loadError(fixture('throws-on-load.ts'));
    expect(error.code).toBe('moduleFailed');
    expect(error.message).toContain('the module itself is broken');
  });
});

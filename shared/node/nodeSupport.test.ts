import { describe, expect, it } from 'vitest';
import { unsupportedNodeMessage } from './nodeSupport.js';

describe('unsupportedNodeMessage', () => {
  it('should accept Node 22 and later LTS releases', () => {
    expect(unsupportedNodeMessage({ lts: 'Jod' }, 'v22.23.5')).toBeNull();
    expect(unsupportedNodeMessage({ lts: 'Krypton' }, 'v24.11.0')).toBeNull();
  });

  it('should name the running version when it is Node 20 or a non-LTS release', () => {
    expect(unsupportedNodeMessage({ lts: 'Iron' }, 'v20.20.2')).toBe(
      'Node.js v20.20.2 is not supported: use Node.js 22 LTS or a later LTS release (README, "Two commands").',
    );
    expect(unsupportedNodeMessage({}, 'v23.1.0')).toContain('Node.js v23.1.0 is not supported');
  });
});

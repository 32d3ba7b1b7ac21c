import { describe, expect, it } from 'vitest';
import { rpIdMatchesOrigin } from './rpIdMatchesOrigin.js';

describe('rpIdMatchesOrigin', () => {
  it('should accept the host itself and its parent domains when asked', () => {
    expect(rpIdMatchesOrigin('localhost', 'http://localhost:3000')).toBe(true);
    expect(rpIdMatchesOrigin('portal.example.com', 'https://portal.example.com')).toBe(true);
    expect(rpIdMatchesOrigin('example.com', 'https://login.example.com')).toBe(true);
  });

  it('should refuse another site, a sibling, a bare TLD or a suffix trick when asked', () => {
    expect(rpIdMatchesOrigin('bank.example', 'http://localhost:3000')).toBe(false);
    expect(rpIdMatchesOrigin('other.example.com', 'https://login.example.com')).toBe(false);
    expect(rpIdMatchesOrigin('com', 'https://example.com')).toBe(false);
    expect(rpIdMatchesOrigin('ample.com', 'https://example.com')).toBe(false);
    expect(rpIdMatchesOrigin('x', 'not an origin')).toBe(false);
  });
});

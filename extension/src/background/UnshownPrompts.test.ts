import { describe, expect, it, vi } from 'vitest';
import { UnshownPrompts } from './UnshownPrompts.js';

const reason = { code: 'ERR_NATIVE_HOST_UNAVAILABLE', message: 'Keybound cannot reach its native messaging host.' };

describe('UnshownPrompts', () => {
  it('should cancel the request at once and give its reason once when its window could not be shown', () => {
    const cancel = vi.fn();
    const unshown = new UnshownPrompts(cancel);
    unshown.fail('x1-req', reason);
    expect(cancel).toHaveBeenCalledWith('x1-req');
    expect(unshown.take('x1-req')).toEqual(reason);
    expect(unshown.take('x1-req')).toBeUndefined();
    expect(unshown.take('x2-shown')).toBeUndefined();
  });

  it('should keep only the latest 32 reasons when nobody collects them', () => {
    const unshown = new UnshownPrompts(() => {});
    for (let i = 0; i < 40; i++) unshown.fail(`x${i}-req`, reason);
    expect(unshown.take('x7-req')).toBeUndefined();
    expect(unshown.take('x8-req')).toEqual(reason);
    expect(unshown.take('x39-req')).toEqual(reason);
  });
});

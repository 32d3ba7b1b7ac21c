import { describe, expect, it, vi } from 'vitest';
import { contentSendToWorker } from './browserDifferences.js';

describe('contentSendToWorker', () => {
  it('should send with chrome.runtime when Chrome provides it', async () => {
    const chromeSend = vi.fn(async () => 'from chrome');
    const browserSend = vi.fn(async () => 'from browser');
    const send = contentSendToWorker({
      chrome: { runtime: { sendMessage: chromeSend } },
      browser: { runtime: { sendMessage: browserSend } },
    });
    await expect(send?.({ a: 1 })).resolves.toBe('from chrome');
    expect(chromeSend).toHaveBeenCalledWith({ a: 1 });
    expect(browserSend).not.toHaveBeenCalled();
  });

  it('should fall back to browser.runtime when there is no chrome namespace (COMPAT safari)', async () => {
    const send = contentSendToWorker({ browser: { runtime: { sendMessage: async () => 'from browser' } } });
    await expect(send?.({})).resolves.toBe('from browser');
  });

  it('should reject instead of throwing when the extension context is gone', async () => {
    const send = contentSendToWorker({
      chrome: {
        runtime: {
          sendMessage: () => {
            throw new Error('Extension context invalidated.');
          },
        },
      },
    });
    await expect(send?.({})).rejects.toThrow('Extension context invalidated.');
  });

  it('should give no sender when neither namespace can send', () => {
    expect(contentSendToWorker({})).toBeUndefined();
    expect(contentSendToWorker({ chrome: { runtime: {} } })).toBeUndefined();
  });
});

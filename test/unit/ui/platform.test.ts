import { describe, expect, it, vi } from 'vitest';
import { callSiteOpener } from '../../../src/ui/inspector/platform';

describe('opening a call site from the inspector', () => {
  it("opens it at its line through DevTools' panels.openResource (Chrome)", () => {
    const openResource = vi.fn();
    callSiteOpener({ openResource })?.('http://127.0.0.1:8787/shop.js:12:5');
    expect(openResource).toHaveBeenCalledWith('http://127.0.0.1:8787/shop.js', 11);
  });

  it('opens only script URLs: a call site that is page data naming javascript: or data: is left alone', () => {
    const openResource = vi.fn();
    const open = callSiteOpener({ openResource });
    open?.('javascript:alert(1)//:1:1');
    open?.('data:text/html,<script>alert(1)</script>:1:1');
    expect(openResource).not.toHaveBeenCalled();
  });

  it('offers nothing where DevTools has no openResource (Firefox) or there is no DevTools (a tab)', () => {
    expect(callSiteOpener({ create: () => undefined })).toBeUndefined();
    expect(callSiteOpener(undefined)).toBeUndefined();
  });
});

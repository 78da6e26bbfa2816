import { afterEach, describe, expect, it } from 'vitest';
import { captureCallStack } from '../../src/hook/call-site';

const limit = Error.stackTraceLimit;
afterEach(() => {
  Object.defineProperty(Error, 'stackTraceLimit', { value: limit, writable: true, configurable: true, enumerable: true });
});

function ourWrapper(): ReturnType<typeof captureCallStack> {
  return captureCallStack(ourWrapper);
}
function pageCaller(): ReturnType<typeof captureCallStack> {
  return ourWrapper();
}

describe('the call site of a page call (V8)', () => {
  it("starts the stack at the page's caller, two frames deep, and puts the page's stackTraceLimit back", () => {
    const lines = String(pageCaller().stack).split('\n');
    expect(lines[0]).toMatch(/^Error/);
    expect(lines[1]).toContain('pageCaller');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).not.toContain('ourWrapper');
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("leaves a read-only stackTraceLimit alone and captures with the page's limit", () => {
    Object.defineProperty(Error, 'stackTraceLimit', { value: 1, writable: false, configurable: true });
    const stack = pageCaller();
    expect(stack).toBeInstanceOf(Error);
    expect(String(stack.stack).split('\n')).toHaveLength(2);
    expect(Error.stackTraceLimit).toBe(1);
  });
});

describe('call sites in a burst', () => {
  it('records the call site of the first calls of one run of script and of every identity call, then of every call again in the next run', async () => {
    const { createCallSiteBudget } = await import('../../src/hook/call-site');
    const budget = createCallSiteBudget((fn) => queueMicrotask(fn), 3);
    const run = () => ['track', 'page', 'identify', 'track', 'track', 'alias', 'reset', 'group', 'setAnonymousId', 'screen'].map((method) => budget.allows(method));
    expect(run()).toEqual([true, true, true, true, false, true, true, true, true, false]);
    expect(run()).toEqual([false, false, true, false, false, true, true, true, true, false]);
    await Promise.resolve();
    expect(run()).toEqual([true, true, true, true, false, true, true, true, true, false]);
  });
});

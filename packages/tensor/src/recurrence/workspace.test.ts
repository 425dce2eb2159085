import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../cpu/cpuBackend.js';
import { testWorkspace } from '../../test/recurrence.js';
import { RecurrentWorkspace } from './workspace.js';

describe('RecurrentWorkspace', () => {
  it('scratch hands the same storage back, zeroed on request', () => {
    const w = testWorkspace();
    w.release();
    const first = w.scratch('test.a', 6);
    first.fill(3);
    const again = w.scratch('test.a', 4);
    expect(again.buffer).toBe(first.buffer);
    expect(Array.from(again)).toEqual([3, 3, 3, 3]);
    expect(Array.from(w.scratch('test.a', 5, true))).toEqual([0, 0, 0, 0, 0]);
    expect(w.scratch('test.b', 4).buffer).not.toBe(first.buffer);
    w.release();
    expect(w.scratch('test.a', 4).buffer).not.toBe(first.buffer);
  });

  it('tape buffers come back only once released, as the shortest free one that holds the size (at most twice as long), and never twice', () => {
    const w = testWorkspace();
    w.release();
    const tape = w.tape(10);
    expect(w.tape(10)).not.toBe(tape);
    // twice, null, and a view that tapeBuffer never gave: one buffer handed back
    w.releaseTapes(tape, tape, null, tape.subarray(0, 5));
    expect(w.tape(11)).not.toBe(tape); // too short
    expect(w.tape(4).buffer).not.toBe(tape.buffer); // more than twice as long
    const shorter = w.tape(6);
    expect(shorter.buffer).toBe(tape.buffer);
    expect(shorter.length).toBe(6);
    expect(w.tape(6).buffer).not.toBe(tape.buffer); // taken
    // the view goes back as the whole buffer, and the shortest fit wins
    const long = w.tape(19);
    w.releaseTapes(long, shorter);
    expect(w.tape(10)).toBe(tape);
    expect(w.tape(10).buffer).toBe(long.buffer);
    w.releaseTapes(tape);
    w.release();
    expect(w.tape(10)).not.toBe(tape);
    const work = w.scratch('test.c', 12);
    w.releaseTapes(work);
    expect(w.tape(12)).not.toBe(work);
  });

  it('allocates through its backend and counts the floats it keeps in stats.workspaceFloats', () => {
    const backend = createCpuBackend();
    const w = new RecurrentWorkspace(backend, false);
    w.scratch('a', 6);
    w.scratch('a', 4); // reused: nothing new
    expect(backend.stats.allocated).toBe(1);
    expect(backend.stats.workspaceFloats).toBe(6);
    w.scratch('a', 10); // grown: the larger buffer replaces the kept one
    expect(backend.stats.workspaceFloats).toBe(10);
    const tape = w.tape(8);
    expect(backend.stats.workspaceFloats).toBe(10); // handed out: the caller's until released
    w.releaseTapes(tape);
    expect(backend.stats.workspaceFloats).toBe(18);
    expect(w.tape(8)).toBe(tape);
    expect(backend.stats.workspaceFloats).toBe(10);
    w.releaseTapes(tape);
    w.release();
    expect(backend.stats.workspaceFloats).toBe(0);
    expect(backend.stats.allocated).toBe(3);
  });
});

import type { Backend } from '../backend.js';
import { type GateKernels, createGateKernels } from '../wasm/gateKernels.js';

// bounds on the free tapes kept for reuse: the most recent, up to 16 buffers and 256 MiB
const maxFreeTapes = 16;
const maxFreeTapeFloats = 1 << 26;

/**
 * The work buffers of one backend's recurrence: scratch buffers for values that live only inside
 * one kernel call, whole-sequence tapes handed back after backward for the next forward, and the
 * WebAssembly gate kernels' memory. Everything is allocated through the owning backend (so
 * `stats.allocated` counts it) and the floats kept are counted in `stats.workspaceFloats`. One
 * workspace belongs to one backend instance: there is no process-wide pool.
 *
 * @example
 * const workspace = new RecurrentWorkspace(createCpuBackend(), true);
 * const gates = workspace.scratch('lstm.gates', 4 * 16); // stale contents
 * workspace.release();
 */
export class RecurrentWorkspace {
  private readonly scratchBuffers = new Map<string, Float32Array>();
  private readonly freeTapes: Float32Array[] = [];
  /** Free tapes handed out as a shorter view, by view. */
  private readonly tapeViews = new WeakMap<Float32Array, Float32Array>();
  private gates: GateKernels | null | undefined;

  /** `useGateKernels`: run the gate passes on WebAssembly SIMD where available (false: scalar loops). */
  constructor(private readonly backend: Pick<Backend, 'allocate' | 'stats'>, readonly useGateKernels: boolean) {}

  /** A new zero-filled result array of `size` floats from the backend (owned by the caller). */
  array(size: number): Float32Array {
    return this.backend.allocate('float32', size);
  }

  /**
   * A reusable buffer of `size` floats named `name`: the largest asked for under each name is kept
   * and handed out again, so same-shaped calls allocate nothing. Its contents are stale; pass
   * `zero` when the caller does not overwrite every element. Never hand it to the caller's caller.
   */
  scratch(name: string, size: number, zero = false): Float32Array {
    const kept = this.scratchBuffers.get(name);
    if (kept === undefined || kept.length < size) {
      const buffer = this.array(size);
      this.backend.stats.workspaceFloats += size - (kept?.length ?? 0);
      this.scratchBuffers.set(name, buffer);
      return buffer;
    }
    const view = kept.length === size ? kept : kept.subarray(0, size);
    if (zero) view.fill(0);
    return view;
  }

  /**
   * A whole-sequence tape buffer of `size` floats: the shortest free tape that holds `size` floats
   * and is at most twice as long (a view of its first `size` floats; stale contents: the forward
   * kernels write every element backward reads), else a new one.
   */
  tape(size: number): Float32Array {
    const free = this.freeTapes;
    let best = -1;
    for (let i = 0; i < free.length; i++) {
      const length = free[i].length;
      if (length >= size && length <= 2 * size && (best < 0 || length < free[best].length)) best = i;
    }
    if (best < 0) return this.array(size);
    const whole = free.splice(best, 1)[0];
    this.backend.stats.workspaceFloats -= whole.length;
    if (whole.length === size) return whole;
    const view = whole.subarray(0, size);
    this.tapeViews.set(view, whole);
    return view;
  }

  /** Hands tape buffers (as {@link RecurrentWorkspace.tape} gave them) back for reuse once no
   * backward reads them; nulls and buffers that are not whole tapes are skipped. */
  releaseTapes(...buffers: (Float32Array | null)[]): void {
    const free = this.freeTapes;
    const stats = this.backend.stats;
    for (const given of buffers) {
      if (given === null) continue;
      const buffer = this.tapeViews.get(given) ?? given;
      this.tapeViews.delete(given);
      if (buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength || free.includes(buffer)) continue;
      if (this.isScratch(buffer)) continue;
      free.push(buffer);
      stats.workspaceFloats += buffer.length;
      while (free.length > maxFreeTapes || this.freeFloats() > maxFreeTapeFloats) stats.workspaceFloats -= free.shift()!.length;
    }
  }

  /** The gate kernels of this workspace (made on first use), or null where WebAssembly SIMD is
   * unavailable or the workspace was made without them: the kernels then run their scalar loops. */
  gateKernels(): GateKernels | null {
    if (!this.useGateKernels) return null;
    if (this.gates === undefined) this.gates = createGateKernels();
    return this.gates;
  }

  /** Frees every kept buffer and the gate kernels' memory (made again when next needed). */
  release(): void {
    let floats = this.freeFloats();
    for (const buffer of this.scratchBuffers.values()) floats += buffer.length;
    this.backend.stats.workspaceFloats -= floats;
    this.scratchBuffers.clear();
    this.freeTapes.length = 0;
    this.gates = undefined;
  }

  private freeFloats(): number {
    let floats = 0;
    for (const buffer of this.freeTapes) floats += buffer.length;
    return floats;
  }

  private isScratch(buffer: Float32Array): boolean {
    for (const kept of this.scratchBuffers.values()) if (kept.buffer === buffer.buffer) return true;
    return false;
  }
}

import { GPU, type IKernelRunShortcut, type KernelFunction } from 'gpu.js';
import { kernelHelpers } from './kernelSources.js';

/** gpu.js modes a backend can be created in (`'gpu'` lets gpu.js pick the best GPU backend). */
export type GpujsMode = 'cpu' | 'webasm' | 'webgl2' | 'webgl' | 'headlessgl' | 'gpu';

/** Every {@link GpujsMode}. */
export const gpujsModes: readonly GpujsMode[] = ['cpu', 'webasm', 'webgl2', 'webgl', 'headlessgl', 'gpu'];

/**
 * Counters of what the device did since it was created (or since {@link DeviceCounters} were
 * reset by the caller): kernel launches, host→device uploads (an array argument sent to a
 * kernel), device→host downloads, and device buffers (textures) currently held.
 */
export interface DeviceCounters {
  /** Kernel launches, uploads-by-launch included. */
  launches: number;
  /** Host arrays sent to the device (each array argument of a launch counts once). */
  uploads: number;
  /** Results read back to the host. */
  downloads: number;
  /** Device buffers (pipeline textures) created and not yet released. */
  liveBuffers: number;
  /** Device buffers created so far. */
  createdBuffers: number;
}

/** A result kept on the device (a gpu.js texture, or a typed array in the `cpu`/`webasm` modes). */
export interface DeviceBuffer {
  /** The gpu.js value passed on to later launches. */
  readonly value: unknown;
  /** Number of float32 elements. */
  readonly size: number;
}

/** One compiled kernel, its output size set per launch. */
export interface CompiledKernel {
  readonly run: IKernelRunShortcut;
}

/** Options to compile a kernel with. */
export interface KernelOptions {
  /** Keep the output on the device (a texture) instead of reading it back. */
  pipeline: boolean;
  /** gpu.js types of the arguments by name, so the first call does not fix them by accident. */
  argumentTypes?: Record<string, string>;
}

/**
 * A gpu.js context owned by one backend: it compiles kernels once, launches them with a
 * one-dimensional output, and counts launches, transfers and live device buffers.
 */
export class Device {
  /** The gpu.js instance (one per device; no global singleton). */
  readonly gpu: GPU;
  /** The mode gpu.js actually runs in. */
  readonly mode: string;
  /** What the device has done so far. */
  readonly counters: DeviceCounters = { launches: 0, uploads: 0, downloads: 0, liveBuffers: 0, createdBuffers: 0 };
  /**
   * Class names of the gpu.js kernels that actually ran (`WebGL2Kernel`, `WebAssemblyKernel`,
   * `CPUKernel`, …): gpu.js degrades a kernel it cannot run to its CPU kernel, and this shows it.
   */
  readonly kernelClasses = new Set<string>();
  private readonly live = new Set<DeviceBuffer>();
  private readonly deviceValues = new WeakSet<object>();
  private disposed = false;

  constructor(mode: GpujsMode | undefined, context?: unknown, canvas?: unknown) {
    const settings: Record<string, unknown> = {};
    if (mode !== undefined) settings.mode = mode;
    if (context !== undefined) settings.context = context;
    if (canvas !== undefined) settings.canvas = canvas;
    this.gpu = new GPU(settings);
    for (const helper of kernelHelpers) this.gpu.addFunction(helper as never);
    this.mode = this.gpu.mode ?? mode ?? 'gpu';
  }

  /** Compiles `source` (a plain function) with a dynamic one-dimensional output. */
  compile(source: (...args: never[]) => number, options: KernelOptions): CompiledKernel {
    this.checkAlive();
    const run = this.gpu.createKernel(source as unknown as KernelFunction, {
      output: [1],
      dynamicOutput: true,
      dynamicArguments: true,
      pipeline: options.pipeline,
      immutable: options.pipeline,
      precision: 'single',
      tactic: 'precision',
      loopMaxIterations: 1 << 20,
      ...(options.argumentTypes ? { argumentTypes: options.argumentTypes } : {}),
    } as never) as IKernelRunShortcut;
    return { run };
  }

  /** Runs a kernel and reads the result back to the host (one launch, one download). */
  read(kernel: CompiledKernel, size: number, args: unknown[]): Float32Array {
    this.launch(kernel, size, args);
    this.counters.downloads++;
    const result = kernel.run(...(args as never[])) as unknown;
    this.noteClass(kernel);
    return toFloat32(result);
  }

  /** Runs a kernel whose output stays on the device; release it with {@link Device.release}. */
  keep(kernel: CompiledKernel, size: number, args: unknown[]): DeviceBuffer {
    this.launch(kernel, size, args);
    const value = kernel.run(...(args as never[])) as unknown;
    this.noteClass(kernel);
    const buffer: DeviceBuffer = { value, size };
    if (typeof value === 'object' && value !== null) this.deviceValues.add(value);
    this.live.add(buffer);
    this.counters.liveBuffers = this.live.size;
    this.counters.createdBuffers++;
    return buffer;
  }

  /** Reads a kept buffer back to the host (one download). */
  download(buffer: DeviceBuffer): Float32Array {
    this.counters.downloads++;
    const value = buffer.value as { toArray?: () => unknown };
    return toFloat32(typeof value.toArray === 'function' ? value.toArray() : value);
  }

  /** Frees a kept buffer now (textures are deleted, so gpu.js reuses their memory). */
  release(buffer: DeviceBuffer): void {
    if (!this.live.delete(buffer)) return;
    const value = buffer.value as { delete?: () => void };
    // a WeakSet's table only shrinks when a full collection finds its keys dead: in a synchronous
    // loop (no event-loop turn, young collections only) it grew by 1 MB steps, so forget at once
    if (typeof value === 'object' && value !== null) this.deviceValues.delete(value);
    if (typeof value.delete === 'function') value.delete();
    this.counters.liveBuffers = this.live.size;
  }

  /** Destroys every kernel and texture of this device. */
  dispose(): void {
    if (this.disposed) return;
    for (const buffer of [...this.live]) this.release(buffer);
    this.disposed = true;
    this.gpu.destroy();
  }

  private launch(kernel: CompiledKernel, size: number, args: unknown[]): void {
    this.checkAlive();
    kernel.run.setOutput([size]);
    this.counters.launches++;
    for (const arg of args) {
      // in the cpu and webasm modes a kept buffer is a typed array too: only host arrays count
      if ((ArrayBuffer.isView(arg) || Array.isArray(arg)) && !this.deviceValues.has(arg)) this.counters.uploads++;
    }
  }

  private noteClass(kernel: CompiledKernel): void {
    const name = (kernel.run as unknown as { kernel?: { constructor?: { name?: string } } }).kernel?.constructor?.name;
    if (name) this.kernelClasses.add(name);
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('gpujs backend: expected a live backend, got one that was disposed');
  }
}

/** gpu.js returns a Float32Array for a one-dimensional output (or an array of them for 2D). */
function toFloat32(result: unknown): Float32Array {
  if (result instanceof Float32Array) return result;
  if (Array.isArray(result) || ArrayBuffer.isView(result)) return Float32Array.from(result as ArrayLike<number>);
  throw new Error(`gpujs backend: expected a Float32Array result, got ${Object.prototype.toString.call(result)}`);
}

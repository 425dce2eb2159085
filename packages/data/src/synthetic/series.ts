import { Generator } from '@recurrent/tensor';

/**
 * One sine component `amplitude · sin(2π · frequency · t + phase)`, frequency in cycles per step.
 *
 * @example
 * const component: SineComponent = { amplitude: 1, frequency: 0.05, phase: 0 };
 */
export interface SineComponent {
  amplitude: number;
  frequency: number;
  phase: number;
}

/**
 * Options of {@link sineMixture}.
 *
 * @example
 * const options: SineMixtureOptions = { length: 500, numComponents: 2, noise: 0.1, generator: 0 };
 */
export interface SineMixtureOptions {
  /** Steps to generate. */
  length: number;
  /** The components; omitted: `numComponents` random ones (amplitude in [0.5, 1.5), frequency in [0.01, 0.1), phase in [0, 2π)). */
  components?: readonly SineComponent[];
  /** Random components to draw when `components` is omitted (default 3). */
  numComponents?: number;
  /** Standard deviation of added Gaussian noise (default 0). */
  noise?: number;
  /** A seed or a Generator (default seed 0). */
  generator?: Generator | number;
}

/**
 * A sum of sines, `x_t = Σ_k a_k sin(2π f_k t + φ_k) + σ ε_t`, with seeded components and noise.
 *
 * @example
 * const { values, components } = sineMixture({ length: 1000, numComponents: 2, noise: 0.05, generator: 0 });
 */
export function sineMixture(options: SineMixtureOptions): { values: Float32Array; components: SineComponent[] } {
  const { length, numComponents = 3, noise = 0 } = options;
  if (!Number.isInteger(length) || length <= 0) throw new Error(`sineMixture: expected a positive integer length, got ${length}`);
  const rng = options.generator instanceof Generator ? options.generator : new Generator(options.generator ?? 0);
  const components =
    options.components?.map((component) => ({ ...component })) ??
    Array.from({ length: numComponents }, () => ({ amplitude: rng.uniformIn(0.5, 1.5), frequency: rng.uniformIn(0.01, 0.1), phase: rng.uniformIn(0, 2 * Math.PI) }));
  const values = new Float32Array(length);
  for (let t = 0; t < length; t++) {
    let x = 0;
    for (const { amplitude, frequency, phase } of components) x += amplitude * Math.sin(2 * Math.PI * frequency * t + phase);
    values[t] = noise > 0 ? x + noise * rng.normal() : x;
  }
  return { values, components };
}

/**
 * Options of {@link mackeyGlass}.
 *
 * @example
 * const options: MackeyGlassOptions = { length: 1000, tau: 30, discard: 500 };
 */
export interface MackeyGlassOptions {
  /** Samples to return (one per unit of time). */
  length: number;
  /** Delay τ (default 17: chaotic). */
  tau?: number;
  /** β (default 0.2). */
  beta?: number;
  /** γ (default 0.1). */
  gamma?: number;
  /** Exponent n (default 10). */
  n?: number;
  /** Integration step (default 0.1; 1/dt must be an integer). */
  dt?: number;
  /** Constant history before t = 0 (default 1.2). */
  initial?: number;
  /** Uniform perturbation of the initial history, ± this much, from `generator` (default 0). */
  perturbation?: number;
  /** Time units integrated and dropped before the first sample (default 0). */
  discard?: number;
  /** A seed or a Generator (default seed 0), used by `perturbation`. */
  generator?: Generator | number;
}

/**
 * The Mackey–Glass delay differential equation `dx/dt = β x(t−τ) / (1 + x(t−τ)ⁿ) − γ x(t)`,
 * integrated with fourth-order Runge–Kutta on a grid of step dt (the delayed term at half steps
 * is the mean of its two grid neighbours) and sampled once per unit of time.
 *
 * @example
 * const series = mackeyGlass({ length: 1000, discard: 500 }); // the classic τ = 17 benchmark
 */
export function mackeyGlass(options: MackeyGlassOptions): Float32Array {
  const { length, tau = 17, beta = 0.2, gamma = 0.1, n = 10, dt = 0.1, initial = 1.2, perturbation = 0, discard = 0 } = options;
  if (!Number.isInteger(length) || length <= 0) throw new Error(`mackeyGlass: expected a positive integer length, got ${length}`);
  const perUnit = Math.round(1 / dt);
  if (!(dt > 0) || Math.abs(perUnit * dt - 1) > 1e-9) throw new Error(`mackeyGlass: expected dt with 1/dt an integer, got ${dt}`);
  const lag = Math.round(tau / dt);
  if (!(tau > 0) || Math.abs(lag * dt - tau) > 1e-9) throw new Error(`mackeyGlass: expected tau a positive multiple of dt, got ${tau}`);
  const rng = options.generator instanceof Generator ? options.generator : new Generator(options.generator ?? 0);
  const totalSteps = (discard + length) * perUnit;
  const x = new Float64Array(lag + 1 + totalSteps);
  for (let i = 0; i <= lag; i++) x[i] = initial + (perturbation > 0 ? rng.uniformIn(-perturbation, perturbation) : 0);
  const f = (value: number, delayed: number) => (beta * delayed) / (1 + delayed ** n) - gamma * value;
  for (let i = lag; i < lag + totalSteps; i++) {
    const d0 = x[i - lag];
    const d1 = x[i - lag + 1];
    const dHalf = 0.5 * (d0 + d1);
    const k1 = f(x[i], d0);
    const k2 = f(x[i] + 0.5 * dt * k1, dHalf);
    const k3 = f(x[i] + 0.5 * dt * k2, dHalf);
    const k4 = f(x[i] + dt * k3, d1);
    x[i + 1] = x[i] + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  const out = new Float32Array(length);
  for (let k = 0; k < length; k++) out[k] = x[lag + (discard + k) * perUnit];
  return out;
}

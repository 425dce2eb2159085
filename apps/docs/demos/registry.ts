import type { Backend } from '@recurrent/tensor';
import type { Demo, DemoName } from './protocol';

/** What every demo is built with. */
export interface DemoContext {
  backend: Backend;
  seed: number;
}

/** Builds a demo by name; each lives in its own module, loaded on demand. */
export async function createDemo(name: DemoName, context: DemoContext): Promise<Demo> {
  switch (name) {
    case 'gradients':
      return (await import('./gradientsDemo')).createGradientsDemo(context);
    case 'gates':
      return (await import('./gatesDemo')).createGatesDemo(context);
    case 'names':
      return (await import('./namesDemo')).createNamesDemo(context);
    case 'ctc':
      return (await import('./ctcDemo')).createCtcDemo(context);
    case 'forecast':
      return (await import('./forecastDemo')).createForecastDemo(context);
    case 'classify':
      return (await import('./classifyDemo')).createClassifyDemo(context);
    case 'births':
      return (await import('./birthsDemo')).createBirthsDemo(context);
    case 'clipping':
      return (await import('./clippingDemo')).createClippingDemo(context);
    case 'attention':
      return (await import('./attentionDemo')).createAttentionDemo(context);
    case 'autoencoder':
      return (await import('./autoencoderDemo')).createAutoencoderDemo(context);
    default:
      throw new Error(`unknown demo ${String(name)}`);
  }
}

import { type Ref, nextTick, onMounted, ref } from 'vue';

/** Where a pretrained demo stands: its model files loading, ready, or an error to show. */
export interface Pretrained {
  state: Ref<'loading' | 'ready' | 'error'>;
  /** The message of what `load` threw (a damaged file, a failed fetch), shown in place of the demo. */
  error: Ref<string>;
  /** Seconds from mounting to the end of `load` (fetching, building, the first run), two decimals. */
  seconds: Ref<string>;
}

/**
 * The one loading sequence of the docs' pretrained demos: when the component mounts, `load` fetches
 * its model files (`loadModel(withBase('/models/….safetensors'))`) and runs them once; then the state
 * turns `'ready'` and, once the ready template is in the DOM, `whenReady` runs (to draw canvases).
 * Whatever either throws turns the state to `'error'` with its message.
 *
 * @example const { state, error } = usePretrained(async () => { model = await loadModel(url); update(); });
 */
export function usePretrained(load: () => Promise<void>, whenReady?: () => void): Pretrained {
  const state = ref<'loading' | 'ready' | 'error'>('loading');
  const error = ref('');
  const seconds = ref('');
  onMounted(async () => {
    const started = performance.now();
    try {
      await load();
      seconds.value = ((performance.now() - started) / 1000).toFixed(2);
      state.value = 'ready';
      if (whenReady) {
        await nextTick();
        whenReady();
      }
    } catch (caught) {
      error.value = (caught as Error).message;
      state.value = 'error';
    }
  });
  return { state, error, seconds };
}

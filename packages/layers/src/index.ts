export {};
export {
  kerasLSTMToStateDict, kerasGRUToStateDict, stateDictToKerasLSTM, stateDictToKerasGRU,
  type KerasLSTMWeights, type KerasGRUWeights, type KerasConversionOptions, type KerasGRUConversionOptions,
} from './interchange/keras.js';

export {
  kerasLSTMToStateDict, kerasGRUToStateDict, stateDictToKerasLSTM, stateDictToKerasGRU,
  kerasDenseToStateDict, stateDictToKerasDense, kerasSimpleRNNToStateDict, stateDictToKerasSimpleRNN, checkKerasActivations,
  type KerasLSTMWeights, type KerasGRUWeights, type KerasDenseWeights, type KerasSimpleRNNWeights, type KerasConversionOptions, type KerasGRUConversionOptions,
} from './interchange/keras.js';
export { TfjsModel, type TfjsStage, type KerasMergeMode, type KerasDenseActivation, type KerasGRULayer } from './interchange/tfjsModel.js';
export { loadTfjsModel, tfjsModelFromArtifacts, tfjsModelFromFiles, type TfjsArtifacts, type TfjsWeightSpec } from './interchange/loadTfjsModel.js';
export { tfjsArtifacts, tfjsModelFiles } from './interchange/tfjsArtifacts.js';
export {
  Recurrent, type RecurrentCell, type RecurrentOptions, type SequenceLayer, type SequenceOptions, type SequenceResult, type CellStepResult,
} from './recurrent.js';
export { unbind, stack, selectRows, reverseWithinLengths, concatFeatures } from './sequenceOps.js';
export { RNN, type RNNOptions } from './rnn.js';
export { LSTM, type LSTMOptions, type LSTMOutput } from './lstm.js';
export { GRU, type GRUOptions } from './gru.js';
export type { FusedLayerOptions, FusedLayerState, FusedLayerOutput, LayerInput } from './sequence/fusedLayer.js';
export { ctcLoss, type CTCLossOptions, type CTCReduction, type IntegerList } from './ctcLoss.js';
export {
  ctcCollapse, ctcGreedyDecode, ctcBeamSearch, type CTCGreedyOptions, type CTCBeamSearchOptions, type CTCHypothesis, type CTCScorer,
} from './ctcDecode.js';
export { Linear, type LinearOptions } from './linear.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { LayerNorm, type LayerNormOptions } from './layerNorm.js';
export {
  MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss, mseLoss, l1Loss, crossEntropy, nllLoss, binaryCrossEntropyWithLogits,
} from './losses.js';
export { asSequenceLayer } from './sequence/asSequenceLayer.js';
export { Stacked, type StackedOptions, type StackedResult, type CellOrLayer } from './stacked.js';
export { Bidirectional, type BidirectionalOptions, type MergeMode } from './bidirectional.js';
export { sampleLogits, samplingDistribution, type SamplingOptions } from './sampling.js';
export { EncoderDecoder, type EncoderDecoderOptions, type DecodedSequence } from './seq2seq.js';
export { Attention, type AttentionOptions, type AttentionScore, type AttentionMemory, type AttentionResult } from './attention.js';
export {
  AttentionEncoderDecoder, type AttentionEncoderDecoderOptions, type AttentionEncoderDecoderOutput, type AttentionDecoderState, type AttentionStepResult,
} from './attentionEncoderDecoder.js';
export { TokenModel, SequenceModel, type TokenModelModules, type SequenceModelModules, type FusedRecurrentLayer, type CarriedState } from './tokenModel.js';
export { PooledClassifier, type PooledClassifierOptions } from './pooledClassifier.js';
export { CalendarForecaster, type CalendarForecasterOptions, type CalendarForecasterInput } from './calendarForecaster.js';
export {
  dailyCalendar, dailyCalendarInputs, dailyCalendarIO, dailyCalendarFeatures, dailyCalendarSizes, type DailySeries, type DailyCalendarOptions,
} from './dailyCalendarInputs.js';
export { forecastDaily, type DailyForecast, type DailyHistory } from './forecastDaily.js';
export type { Json, JsonObject, ShapeMap, ModuleDescription, ModuleKind, BuildContext } from './model/moduleKind.js';
export { prefixedShapes } from './model/moduleKind.js';
export { builtInKinds } from './model/builtInKinds.js';
export { describeModule } from './model/moduleDescription.js';
export { ModelFileError, type ModelFileErrorCode } from './model/modelFileError.js';
export type { ModelIO } from './model/modelIO.js';
export {
  encodeModel, decodeModel, modelFormatVersion, modelMetadataKey,
  type ModelDescription, type EncodeModelOptions, type DecodeModelOptions, type LoadedModel,
} from './model/modelFile.js';
export { loadModel, saveModel, indexedDbScheme, type LoadModelOptions, type LoadProgress } from './model/loadModel.js';
export { deleteStoredModel } from './model/modelStore.js';
export { sha256Hex } from './model/sha256.js';
export { LockedDropout, type LockedDropoutOptions } from './lockedDropout.js';
export { WeightDrop, type WeightDropOptions, type WeightDroppable } from './weightDrop.js';
export { ZoneoutCell, type ZoneoutOptions } from './zoneoutCell.js';
export { MinGRU, MinLSTM, type MinRNNOptions, type MinRNNState, type MinRNNOutput } from './minRNN.js';
export { LayerNormLSTM, LayerNormGRU, type LayerNormRNNOptions, type LayerNormRNNState, type LayerNormRNNOutput } from './layerNormRNN.js';

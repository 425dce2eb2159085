import { type Tensor, checkOptions, option } from '@recurrent/tensor';
import { common } from './internal/commonOptions.js';
import {
  type BinaryCrossEntropyOptions, type ClassLossOptions, type CrossEntropyOptions, type Differentiable, type Reduction, type Variable,
  Module, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss,
} from '@recurrent/autograd';

// The functional losses live in @recurrent/autograd; these are their module forms (PyTorch's
// nn.MSELoss and friends), holding the options so a model can keep its criterion as a field.
export { binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss };

const reductionOnly = { reduction: common.reduction };
const classOptions = { weight: option.nullable(common.tensor), ignoreIndex: option.integer(), reduction: common.reduction };
const crossEntropyOptions = { ...classOptions, labelSmoothing: option.number({ min: 0, max: 1 }) };
const binaryOptions = { weight: common.tensor, posWeight: common.tensor, reduction: common.reduction };

/**
 * Mean squared error module: `ℓ = reduce((x − y)²)` (see `mseLoss`).
 *
 * Shapes: input and target of one shape → `[]` (or the input's shape with `reduction: 'none'`).
 *
 * @example
 * new MSELoss().forward(prediction, target);
 */
export class MSELoss extends Module {
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
    checkOptions('MSELoss', options, reductionOnly);
  }
  /** The loss of `input` against `target` with this module's options. */
  forward(input: Differentiable, target: Differentiable): Variable {
    return mseLoss(input, target, this.options);
  }
}

/**
 * Mean absolute error module: `ℓ = reduce(|x − y|)` (see `l1Loss`).
 *
 * Shapes: input and target of one shape → `[]` (or the input's shape with `reduction: 'none'`).
 *
 * @example
 * new L1Loss({ reduction: 'sum' }).forward(prediction, target);
 */
export class L1Loss extends Module {
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
    checkOptions('L1Loss', options, reductionOnly);
  }
  /** The loss of `input` against `target` with this module's options. */
  forward(input: Differentiable, target: Differentiable): Variable {
    return l1Loss(input, target, this.options);
  }
}

/**
 * Cross entropy of logits against class indices, with ignore index and label smoothing:
 * `ℓₙ = −w[yₙ]·log softmax(xₙ)[yₙ]` (see `crossEntropy`).
 *
 * Shapes: input `[N, C]` or `[N, C, d…]`, target `[N]` or `[N, d…]` int32 → `[]`.
 *
 * @example
 * new CrossEntropyLoss({ ignoreIndex: 0, labelSmoothing: 0.1 }).forward(logits, targets);
 */
export class CrossEntropyLoss extends Module {
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
    checkOptions('CrossEntropyLoss', options, crossEntropyOptions);
  }
  /** The loss of `input` against class indices `target` with this module's options. */
  forward(input: Variable | Tensor, target: Tensor): Variable {
    return crossEntropy(input, target, this.options);
  }
}

/**
 * Negative log-likelihood of log-probabilities: `ℓₙ = −w[yₙ]·xₙ[yₙ]` (see `nllLoss`).
 *
 * Shapes: input `[N, C]` or `[N, C, d…]`, target `[N]` or `[N, d…]` int32 → `[]`.
 *
 * @example
 * new NLLLoss().forward(logSoftmax(logits, 1), targets);
 */
export class NLLLoss extends Module {
  constructor(readonly options: ClassLossOptions = {}) {
    super();
    checkOptions('NLLLoss', options, classOptions);
  }
  /** The loss of `input` against class indices `target` with this module's options. */
  forward(input: Variable | Tensor, target: Tensor): Variable {
    return nllLoss(input, target, this.options);
  }
}

/**
 * Binary cross entropy on logits, numerically stable:
 * `ℓ = −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))]` (see `binaryCrossEntropyWithLogits`).
 *
 * Shapes: input and target of one shape → `[]`.
 *
 * @example
 * new BCEWithLogitsLoss({ posWeight: tensor([2]) }).forward(logits, labels);
 */
export class BCEWithLogitsLoss extends Module {
  constructor(readonly options: BinaryCrossEntropyOptions = {}) {
    super();
    checkOptions('BCEWithLogitsLoss', options, binaryOptions);
  }
  /** The loss of `input` against `target` with this module's options. */
  forward(input: Differentiable, target: Differentiable): Variable {
    return binaryCrossEntropyWithLogits(input, target, this.options);
  }
}

/**
 * What a panel can show. A panel kind is its chain of passes (run over the layer's grid when
 * the panel's input changes, each reading what the one before wrote) and its colour axis
 * (the range the colour scale spans around the current min/max). Adding a technique means
 * adding a kind here: its own value pass(es), then the shared reduction and colour passes.
 */
import { type ScaleAxis, channelAxis, similarityAxis } from "../colourScale";
import type { FeatureHeader } from "../data/featureFile";
import type { Range } from "./minMaxReader";
import type { PassClass } from "./pass";
import { ChannelPass } from "./passes/channelPass";
import { ColourPass } from "./passes/colourPass";
import { CosinePass, DotPass, EuclideanPass } from "./passes/metricPass";
import { ReductionPass } from "./passes/reductionPass";
import { SimilarityPass } from "./passes/similarityPass";

export interface PanelKind {
  /** What the panel shows, for messages and the test hook. */
  readonly name: string;
  /** Run in order when the panel's input changes (never for pan, zoom or opacity). */
  readonly chain: readonly PassClass[];
  /** Whether a new reference cell changes the values (similarity does, a channel does not). */
  readonly followsReference: boolean;
  /** The colour scale's axis for a current (min, max). */
  readonly axis: (range: Range, header: Pick<FeatureHeader, "signed">) => ScaleAxis;
}

/** Angular similarity to the reference vector (IFeaLiD, Eq. 3). */
export const SIMILARITY: PanelKind = {
  name: "similarity",
  chain: [SimilarityPass, ReductionPass, ColourPass],
  followsReference: true,
  axis: (range, header) => similarityAxis(range.min, range.max, header.signed),
};

/** Cosine of the angle to the reference vector (the similarity pass's angle, turned back). */
export const COSINE: PanelKind = {
  name: "cosine",
  chain: [SimilarityPass, CosinePass, ReductionPass, ColourPass],
  followsReference: true,
  axis: (range, header) => similarityAxis(range.min, range.max, header.signed),
};

/** Euclidean distance to the reference vector: small is similar, from 0. */
export const EUCLIDEAN: PanelKind = {
  name: "euclidean",
  chain: [SimilarityPass, EuclideanPass, ReductionPass, ColourPass],
  followsReference: true,
  axis: (range) => channelAxis(range.min, range.max),
};

/** Dot product with the reference vector: direction and both lengths. */
export const DOT: PanelKind = {
  name: "dot",
  chain: [SimilarityPass, DotPass, ReductionPass, ColourPass],
  followsReference: true,
  axis: (range) => channelAxis(range.min, range.max),
};

/** One channel's values (code times the cell's scale). */
export const CHANNEL: PanelKind = {
  name: "channel",
  chain: [ChannelPass, ReductionPass, ColourPass],
  followsReference: false,
  axis: (range) => channelAxis(range.min, range.max),
};

/** What a panel shows now: a kind (one per metric), and the channel for the single-channel kind. */
export type PanelMode =
  | { readonly kind: "similarity" | "cosine" | "euclidean" | "dot" }
  | { readonly kind: "channel"; readonly channel: number };

/** The metrics of the contract (classroom.similarity.Metric). */
export type Metric = "angular" | "cosine" | "euclidean" | "dot";

/** The panel mode that shows `metric` (the angular kind is the view's original "similarity"). */
export function metricMode(metric: Metric): PanelMode {
  return { kind: metric === "angular" ? "similarity" : metric };
}

/** The kinds a renderer knows, by mode (the benchmark replaces "similarity" with the naive one). */
export type PanelKinds = Readonly<Record<PanelMode["kind"], PanelKind>>;

export const DEFAULT_KINDS: PanelKinds = {
  similarity: SIMILARITY,
  cosine: COSINE,
  euclidean: EUCLIDEAN,
  dot: DOT,
  channel: CHANNEL,
};

export function sameMode(a: PanelMode, b: PanelMode): boolean {
  return a.kind === b.kind && (a.kind !== "channel" || (b.kind === "channel" && a.channel === b.channel));
}
